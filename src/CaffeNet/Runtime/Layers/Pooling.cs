using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;
using static CaffeNet.Proto.PoolingParameter.Types;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Pooling over H and W of a 4-axis input. Output size (in + 2 pad - kernel) / stride + 1, rounded
/// up (CEIL, Caffe's default) or down (FLOOR, or the forks' ceil_mode: false); with padding, a last window that would start in the padding
/// is dropped. MAX pooling may have a second top for the argmax mask. An unknown input size gives
/// an unknown output size, except that global pooling always gives 1x1.
/// </summary>
sealed class PoolingDefinition : LayerDefinition
{
    public override string Type => "Pooling";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new PoolingLayer(node);

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs, WorkerPool? pool) => new PoolingLayer(node, pool);

    /// <summary>
    /// MAX and AVE with one top pool blocked values into blocked values; an AVE whose window is the
    /// whole unpadded image (global, or ResNet's 7x7 on 7x7) reads blocked and writes NCHW.
    /// </summary>
    public override BlockedRole Blocked(Node node, int block)
    {
        if (node.Outputs.Count != 1 || node.Inputs[0].Shape is not { IsComplete: true, Rank: 4 } input
            || node.Attributes is not PoolingAttributes { Method: PoolMethod.Max or PoolMethod.Ave } a)
            return BlockedRole.None;
        return IsImageMean(a, input) ? BlockedRole.Ends : BlockedRole.Through;
    }

    public override ILayer CreateBlocked(Node node, IReadOnlyList<Tensor> blobs, int block, WorkerPool? pool) =>
        IsImageMean(LayerFactory.Attributes<PoolingAttributes>(node), node.Inputs[0].Shape)
            ? new BlockedGlobalAverageLayer(node, block)
            : new BlockedPoolingLayer(node, block, pool);

    static bool IsImageMean(PoolingAttributes a, Shape input) =>
        a is { Method: PoolMethod.Ave, PadH: 0, PadW: 0 } && (a.Global || (a.KernelH == input[2] && a.KernelW == input[3]));

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        var p = c.Layer.PoolingParam ?? new PoolingParameter();
        c.Tops(1, p.Pool == PoolMethod.Max ? 2 : 1);
        var input = c.Input;
        c.Rank(input, 4, "(N, C, H, W) input");
        int? height = input.Dim(2), width = input.Dim(3);

        int kh, kw;
        if (p.GlobalPooling)
        {
            if (p.HasKernelSize || p.HasKernelH || p.HasKernelW)
                throw c.Error("global pooling takes its kernel from the input; do not give kernel_size");
            // 0: the kernel is the input's size, which is unknown (see PoolingAttributes).
            (kh, kw) = (height ?? 0, width ?? 0);
        }
        else if (p.HasKernelSize == (p.HasKernelH && p.HasKernelW))
        {
            throw c.Error("give the kernel as kernel_size or as both kernel_h and kernel_w");
        }
        else
        {
            (kh, kw) = p.HasKernelSize ? (Int(c, p.KernelSize), Int(c, p.KernelSize)) : (Int(c, p.KernelH), Int(c, p.KernelW));
        }
        if (!p.GlobalPooling && (kh <= 0 || kw <= 0)) throw c.Error($"kernel size must be positive, got {kh}x{kw}");

        if (p.HasPad ? p.HasPadH || p.HasPadW : p.HasPadH != p.HasPadW)
            throw c.Error("give padding as pad or as both pad_h and pad_w");
        if (p.HasStride ? p.HasStrideH || p.HasStrideW : p.HasStrideH != p.HasStrideW)
            throw c.Error("give the stride as stride or as both stride_h and stride_w");
        var (ph, pw) = p.HasPadH ? (Int(c, p.PadH), Int(c, p.PadW)) : (Int(c, p.Pad), Int(c, p.Pad));
        var (sh, sw) = p.HasStrideH ? (Int(c, p.StrideH), Int(c, p.StrideW)) : (Int(c, p.Stride), Int(c, p.Stride));
        if (sh <= 0 || sw <= 0) throw c.Error($"stride must be positive, got {sh}x{sw}");
        if (p.GlobalPooling && (ph != 0 || pw != 0 || sh != 1 || sw != 1))
            throw c.Error("global pooling allows only pad 0 and stride 1");
        if (ph != 0 || pw != 0)
        {
            if (p.Pool == PoolMethod.Stochastic)
                throw c.Error("padding works only with MAX and AVE pooling");
            if (ph >= kh || pw >= kw)
                throw c.Error($"pad ({ph}x{pw}) must be smaller than the kernel ({kh}x{kw})");
        }

        var round = p.RoundMode;
        if (p.HasCeilMode)
        {
            if (p.HasRoundMode) throw c.Error("give round_mode or the older ceil_mode, not both");
            round = p.CeilMode ? RoundMode.Ceil : RoundMode.Floor;
        }
        long? outH = p.GlobalPooling ? 1 : height is { } h ? Pooled(h, kh, sh, ph, round) : null;
        long? outW = p.GlobalPooling ? 1 : width is { } w ? Pooled(w, kw, sw, pw, round) : null;
        if (ph > 0 && (outH - 1) * sh >= height + ph || pw > 0 && (outW - 1) * sw >= width + pw)
            throw c.Error($"the last pooling window would start in the padding ({outH}x{outW} windows over {height}x{width})");
        var output = c.Output(input.Dim(0), input.Dim(1), outH, outW);
        return new LayerShapes(Enumerable.Repeat(output, c.TopCount).ToList())
        {
            Attributes = new PoolingAttributes(p.Pool, kh, kw, sh, sw, ph, pw, p.GlobalPooling, round),
            // Each output reads a kernel's worth of inputs; a global pool reads every input once.
            ElementwiseOps = p.GlobalPooling ? input.CountIfKnown : checked(output.CountIfKnown * kh * kw),
        };
    }

    /// <summary>Caffe computes the division in float before rounding; so do we, to match it exactly.</summary>
    static long Pooled(int size, int kernel, int stride, int pad, RoundMode mode)
    {
        float ratio = (float)(size + 2 * pad - kernel) / stride;
        long pooled = (long)(mode == RoundMode.Floor ? MathF.Floor(ratio) : MathF.Ceiling(ratio)) + 1;
        // The last window must start inside the image or its left padding, not in the right padding.
        if (pad > 0 && (pooled - 1) * stride >= size + pad)
            pooled--;
        return pooled;
    }

    static int Int(LayerContext c, uint value) =>
        value <= int.MaxValue ? (int)value : throw c.Error($"pooling size {value} is too large");
}

/// <summary>
/// MAX or AVE pooling; a MAX layer's optional second top receives the argmax mask (on the reference
/// kernel). Without it, the separable vector kernels, on the worker pool's threads when given one.
/// </summary>
sealed class PoolingLayer(Node node, WorkerPool? pool = null) : ILayer
{
    readonly PoolingParams _p = Params(LayerFactory.Attributes<PoolingAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var input = inputs[0];
        if (outputs.Length > 1 || input.Rank != 4)
        {
            Kernels.Pooling.Forward(input, _p, outputs[0], outputs.Length > 1 ? outputs[1] : default);
            return;
        }
        var (outH, outW) = Kernels.Pooling.OutputSize(input.Shape, _p);
        var output = outputs[0].Shape;
        // Checked without building the shape: this runs on every forward.
        if (output.Rank != 4 || output[0] != input.Shape[0] || output[1] != input.Shape[1] || output[2] != outH || output[3] != outW)
            throw new ArgumentException($"Pooling output has shape {output}, expected {Kernels.Pooling.OutputShape(input.Shape, _p)}");
        int planes = input.Shape[0] * input.Shape[1], height = input.Shape[2], width = input.Shape[3];
        if (IsPlaneMean(input.Shape))
        {
            PlaneMean.Forward(input.Span, outputs[0].Span, planes, height * width, pool);
            return;
        }
        var window = _p.Global ? _p with { KernelH = height, KernelW = width } : _p;
        if (_p.Method == PoolingMethod.Max)
            SeparablePool.Forward<MaxReduce>(input.Span, outputs[0].Span, planes, height, width, outH, outW, window, average: false, pool);
        else
            SeparablePool.Forward<SumReduce>(input.Span, outputs[0].Span, planes, height, width, outH, outW, window, average: true, pool);
    }

    /// <summary>AVE over each whole plane with no padding: the vectorised plane mean, equal to the reference to rounding.</summary>
    bool IsPlaneMean(TensorShape input) =>
        _p.Method == PoolingMethod.Ave && input.Rank == 4 && _p.PadH == 0 && _p.PadW == 0
        && (_p.Global || (_p.KernelH == input[2] && _p.KernelW == input[3]));

    /// <summary>The layer's parameters over an image of <paramref name="height"/> x <paramref name="width"/>: a global window made that size.</summary>
    internal static PoolingParams Window(PoolingAttributes a, int height, int width)
    {
        var p = Params(a);
        return p.Global ? p with { KernelH = height, KernelW = width } : p;
    }

    static PoolingParams Params(PoolingAttributes a)
    {
        var method = a.Method switch
        {
            PoolingParameter.Types.PoolMethod.Max => PoolingMethod.Max,
            PoolingParameter.Types.PoolMethod.Ave => PoolingMethod.Ave,
            // Caffe has no CPU implementation of STOCHASTIC pooling either.
            _ => throw new CaffeNetException($"pooling method {a.Method} is not supported (MAX and AVE are)"),
        };
        return new PoolingParams(method, a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.PadH, a.PadW,
            a.Global, a.RoundMode == PoolingParameter.Types.RoundMode.Ceil);
    }
}
