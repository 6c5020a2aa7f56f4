using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Convolution (Caffe's BaseConvolutionLayer and ConvolutionLayer), 2-D. Each bottom gives one top
/// of the same shape. Output size: (in + 2 pad - (dilation (kernel - 1) + 1)) / stride + 1, floored.
/// With an unknown input size the output's spatial size is unknown but its channels (num_output)
/// are not; an unknown channel count is taken from the weights when they are given.
/// </summary>
class ConvolutionDefinition : LayerDefinition
{
    public override string Type => "Convolution";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ConvolutionLayer(node, blobs);

    public override FillerParameter? Filler(Node node, int blob, FillerParameter? defaultWeights) =>
        blob == 0 ? node.Layer.ConvolutionParam?.WeightFiller ?? defaultWeights : node.Layer.ConvolutionParam?.BiasFiller;

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1, int.MaxValue);
        if (c.TopCount != c.Inputs.Count)
            throw c.Error($"needs one top per bottom, got {c.Inputs.Count} bottom(s) and {c.TopCount} top(s)");
        var p = c.Layer.ConvolutionParam ?? new ConvolutionParameter();
        var input = c.Input;
        for (int i = 1; i < c.Inputs.Count; i++)
            if (!c.Inputs[i].Matches(input))
                throw c.Error($"all bottoms must have one shape: bottom 0 is {input}, bottom {i} is {c.Inputs[i]}");
        int axis = c.Axis(p.Axis, input);
        if (input.Rank - axis - 1 != 2)
            throw c.Error($"only 2-D convolution is supported; input {input} has {input.Rank - axis - 1} spatial axes after axis {axis}");
        long? channels = input.Dim(axis) ?? ChannelsFromWeights(c, p);
        var a = Attributes(c, p, axis, channels);
        if (a.NumOutput <= 0) throw c.Error("num_output must be positive");
        // Group 0: a depthwise fork whose channel count is unknown, so neither check can be made.
        if (a.Group != 0 || !Depthwise)
        {
            if (a.Group <= 0 || channels is { } ch && ch % a.Group != 0)
                throw c.Error($"group {a.Group} must divide the input channels ({channels?.ToString() ?? "?"})");
            if (a.NumOutput % a.Group != 0)
                throw c.Error($"group {a.Group} must divide num_output ({a.NumOutput})");
        }

        long? outH = input.Dim(axis + 1) is { } h ? OutputSize(c, h, a.KernelH, a.StrideH, a.PadH, a.DilationH) : null;
        long? outW = input.Dim(axis + 2) is { } w ? OutputSize(c, w, a.KernelW, a.StrideW, a.PadW, a.DilationW) : null;
        var dims = input.OptionalDims.Take(axis).Select(d => (long?)d).Append(a.NumOutput).Append(outH).Append(outW);
        var output = c.Output(dims);

        // The weight maps the "in" side of the im2col product: input channels for convolution,
        // output channels for deconvolution (Caffe's reverse_dimensions).
        long? weightOut = Transposed ? channels : a.NumOutput;
        // A depthwise fork's weight has one input channel per group, whatever the channel count.
        long? weightIn = a.Group == 0 ? 1 : (Transposed ? a.NumOutput : channels) / a.Group;
        var weights = Shape.Partial([checked((int?)weightOut), checked((int?)weightIn), a.KernelH, a.KernelW]);
        IReadOnlyList<Shape> parameters = a.BiasTerm ? [weights, new Shape(a.NumOutput)] : [weights];

        // Each output pixel of a convolution (each input pixel of a deconvolution) takes
        // (in-channels / group) x kernel multiply-accumulates per channel on the other side.
        var perItem = Transposed ? input : output;
        long? spatial = perItem.CountRangeIfKnown(0, axis) * perItem.CountFromIfKnown(axis + 1);
        long? macs = checked(spatial * weightOut * weightIn * a.KernelH * a.KernelW * c.Inputs.Count);
        return new LayerShapes(Enumerable.Repeat(output, c.TopCount).ToList())
        {
            Params = parameters,
            Attributes = a,
            Macs = macs,
        };
    }

    /// <summary>True for deconvolution, where the roles of input and output are swapped.</summary>
    protected virtual bool Transposed => false;

    /// <summary>
    /// The input channel count as the weights give it (blob 0 is out x in/group x kh x kw, or
    /// in x out/group x kh x kw transposed); null without weights, and for the depthwise forks,
    /// whose weight (out x 1 x kh x kw) does not tell it.
    /// </summary>
    long? ChannelsFromWeights(LayerContext c, ConvolutionParameter p)
    {
        if (c.Layer.Blobs.Count == 0 || Depthwise) return null;
        var blob = c.Layer.Blobs[0];
        return Transposed ? BlobShapes.Dim(blob, 0, 4) : BlobShapes.Dim(blob, 1, 4) * p.Group;
    }

    /// <summary>True for the depthwise forks, which use one group per input channel.</summary>
    protected virtual bool Depthwise => false;

    /// <summary>The group to use; depthwise forks force it to the channel count, 0 when that is unknown.</summary>
    protected virtual int Group(LayerContext c, ConvolutionParameter p, long? channels) => (int)p.Group;

    /// <summary>Integer division truncating toward zero, as in Caffe's C++; a size below 1 is reported by the caller.</summary>
    protected virtual long OutputSize(LayerContext c, int input, int kernel, int stride, int pad, int dilation) =>
        (input + 2L * pad - ((long)dilation * (kernel - 1) + 1)) / stride + 1;

    ConvolutionAttributes Attributes(LayerContext c, ConvolutionParameter p, int axis, long? channels)
    {
        var (kh, kw) = Pair(c, "kernel_size", p.KernelSize, p.HasKernelH || p.HasKernelW, p.KernelH, p.KernelW, null);
        if (kh <= 0 || kw <= 0) throw c.Error($"kernel size must be positive, got {kh}x{kw}");
        var (sh, sw) = Pair(c, "stride", p.Stride, p.HasStrideH || p.HasStrideW, p.StrideH, p.StrideW, 1);
        if (sh <= 0 || sw <= 0) throw c.Error($"stride must be positive, got {sh}x{sw}");
        var (ph, pw) = Pair(c, "pad", p.Pad, p.HasPadH || p.HasPadW, p.PadH, p.PadW, 0);
        var (dh, dw) = Pair(c, "dilation", p.Dilation, false, 0, 0, 1);
        if (dh <= 0 || dw <= 0) throw c.Error($"dilation must be positive, got {dh}x{dw}");
        return new ConvolutionAttributes(
            NumOutput: ToInt(c, p.NumOutput, "num_output"),
            BiasTerm: p.BiasTerm,
            Group: Group(c, p, channels),
            Axis: axis,
            KernelH: kh, KernelW: kw,
            StrideH: sh, StrideW: sw,
            PadH: ph, PadW: pw,
            DilationH: dh, DilationW: dw);
    }

    /// <summary>
    /// A size given either as a repeated field (once, or once per spatial axis) or as _h and _w,
    /// never both; <paramref name="fallback"/> when neither is given (null: required).
    /// </summary>
    static (int H, int W) Pair(LayerContext c, string field, IList<uint> repeated, bool hasHw, uint h, uint w, int? fallback)
    {
        if (hasHw)
        {
            if (repeated.Count > 0)
                throw c.Error($"give either {field} or {Stem(field)}_h/_w, not both");
            return (ToInt(c, h, Stem(field) + "_h"), ToInt(c, w, Stem(field) + "_w"));
        }
        return repeated.Count switch
        {
            0 when fallback is { } f => (f, f),
            0 => throw c.Error($"{field} is required"),
            1 => (ToInt(c, repeated[0], field), ToInt(c, repeated[0], field)),
            2 => (ToInt(c, repeated[0], field), ToInt(c, repeated[1], field)),
            _ => throw c.Error($"{field} must be given once or once per spatial axis (2), got {repeated.Count} values"),
        };
    }

    static string Stem(string field) => field == "kernel_size" ? "kernel" : field;

    static int ToInt(LayerContext c, uint value, string field) =>
        value <= int.MaxValue ? (int)value : throw c.Error($"{field} {value} is too large");
}

/// <summary>
/// Convolution (and the forks' depthwise types). Every bottom is convolved with the same
/// weights into the top at its position. Axes before the channel axis are all treated as items.
/// </summary>
sealed class ConvolutionLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly ConvolutionParams _p = Params(LayerFactory.Attributes<ConvolutionAttributes>(node));
    readonly int _axis = LayerFactory.Attributes<ConvolutionAttributes>(node).Axis;
    readonly Tensor _weights = blobs[0];
    readonly Tensor _bias = blobs.Count > 1 ? blobs[1] : default;

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        for (int i = 0; i < inputs.Length; i++)
            Kernels.Convolution.Forward(AsImages(inputs[i], _axis), _weights.Span, _bias.HasStorage ? _bias.Span : [], _p, AsImages(outputs[i], _axis));
    }

    internal static ConvolutionParams Params(ConvolutionAttributes a) =>
        new(a.NumOutput, a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.PadH, a.PadW, a.DilationH, a.DilationW, a.Group);

    /// <summary>The tensor seen as N×C×H×W with N the product of the axes before the channel axis.</summary>
    internal static Tensor AsImages(in Tensor t, int axis) =>
        t.Rank == 4 && axis == 1 ? t : t.Reshape([t.Shape.CountRange(0, axis), t.Shape[axis], t.Shape[axis + 1], t.Shape[axis + 2]]);
}
