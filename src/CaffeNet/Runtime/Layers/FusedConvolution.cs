using System.Buffers;
using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// A convolution with its folded BatchNorm/Scale and fused activation, on the fast kernels:
/// 1x1 stride-1 unpadded as one batched SGEMM straight on the activations (on <see cref="Gemv"/>
/// when the images are 1x1, as after a global pooling: then the batch is the GEMM's few columns); depthwise
/// (group = channels = outputs) on <see cref="DepthwiseConv"/>; group 1 with few input channels (a
/// first layer) on <see cref="DirectConv"/>; other group 1 as im2col + SGEMM by strips of output rows
/// (<see cref="Im2ColConv"/>); any other grouping on the reference kernel, then the clamp.
/// Where the channel layout gives it a blocked tensor (<see cref="BlockedIo"/>), a depthwise, 1x1 or
/// other group-1 convolution runs on the blocked kernels (<see cref="BlockedDepthwise"/>,
/// <see cref="BlockedPointwise"/>, <see cref="BlockedDirectConv"/>, <see cref="BlockedConv"/>, and
/// <see cref="BlockedWinograd"/> for the 3x3 stride-1 ones where it pays)
/// with the epilogue fused there too, reordering on its side whichever of its tensors is NCHW.
/// </summary>
sealed class FusedConvolutionLayer : ILayer
{
    enum Path { Pointwise, PointwiseOnePixel, Depthwise, Direct, Im2Col, Reference, BlockedDepthwise, BlockedPointwise, BlockedDirect, BlockedConv, BlockedWinograd }

    readonly Path _path;
    readonly ConvolutionParams _p;
    readonly Activation _activation;
    readonly float[] _weights;
    readonly float[] _bias;
    readonly PackedMatrix? _packed;
    readonly DirectConv? _direct;
    readonly int _batch, _channels, _height, _width, _outHeight, _outWidth;
    readonly WorkerPool? _pool;
    readonly BlockedIo _io;
    readonly AlignedFloats _blockedWeights = AlignedFloats.Empty;
    /// <summary>Outputs per side of a Winograd tile (<see cref="BlockedWinograd"/>), else 0.</summary>
    readonly int _tile;
    readonly float[]? _blockedBias;

    public FusedConvolutionLayer(ConvFusion fusion, NetWeights weights, WorkerPool? pool, BlockedIo io = default)
    {
        var node = fusion.Anchor;
        var a = LayerFactory.Attributes<ConvolutionAttributes>(node);
        _p = ConvolutionLayer.Params(a);
        _activation = ActivationOf(fusion.Activation);
        _pool = pool;
        var ins = node.Inputs[0].Shape.Dims;
        var outs = node.Outputs[0].Shape.Dims;
        (_batch, _channels, _height, _width) = (ins[0], ins[1], ins[2], ins[3]);
        (_outHeight, _outWidth) = (outs[2], outs[3]);
        int k = _channels * a.KernelH * a.KernelW;
        _path = PathFor(a, _channels, _height, _width);
        // Only these paths run on the folded weights as they are; the others keep a rearranged copy,
        // so they fold into a pooled buffer that the next layer folds into again (fresh memory is
        // most of what loading a model costs).
        bool keepFolded = KeepsFolded(_path, io);
        int count = weights.For(node)[0].Count;
        var folded = keepFolded ? GC.AllocateUninitializedArray<float>(count) : ArrayPool<float>.Shared.Rent(count);
        _bias = FoldedWeights.Into(fusion, weights, folded.AsSpan(0, count));
        _weights = keepFolded ? folded : [];
        var w = folded.AsSpan(0, count);
        if (_path == Path.Direct)
            _direct = new DirectConv(w, _bias, a.NumOutput, _channels, Window(_p));
        _io = io;
        if (io.Any)
        {
            _path = ChannelLayout.KernelOf(fusion) switch
            {
                BlockedKernel.Depthwise => Path.BlockedDepthwise,
                BlockedKernel.Pointwise => Path.BlockedPointwise,
                BlockedKernel.Direct => Path.BlockedDirect,
                BlockedKernel.Conv => Path.BlockedConv,
                BlockedKernel.Winograd => Path.BlockedWinograd,
                _ => throw new InvalidOperationException($"{node} has no blocked kernel"),
            };
            if (_path == Path.BlockedWinograd)
                _tile = BlockedWinograd.TileFor(Window(_p), _channels, _outHeight, _outWidth);
            _blockedWeights = _path switch
            {
                Path.BlockedDepthwise => BlockedDepthwise.PackWeights(w, _channels, a.KernelH * a.KernelW, io.Block),
                Path.BlockedPointwise => BlockedPointwise.PackWeights(w, a.NumOutput, _channels, io.Block),
                Path.BlockedConv => BlockedConv.PackWeights(w, a.NumOutput, _channels, a.KernelH * a.KernelW, io.Block),
                Path.BlockedWinograd => BlockedWinograd.PackWeights(w, a.NumOutput, _channels, io.Block, _tile),
                _ => BlockedDirectConv.PackWeights(w, a.NumOutput, _channels, a.KernelH * a.KernelW, io.Block),
            };
            _blockedBias = BlockedDepthwise.PackChannels(_bias, a.NumOutput, io.Block);
        }
        if (_path is Path.Pointwise or Path.Im2Col)
            _packed = PackedMatrix.Pack(w, a.NumOutput, k, k);
        if (!keepFolded)
            ArrayPool<float>.Shared.Return(folded);
    }


    static Path PathFor(ConvolutionAttributes a, int channels, int height, int width)
    {
        if (a.Group == 1 && a is { KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadH: 0, PadW: 0 })
            return height * width == 1 ? Path.PointwiseOnePixel : Path.Pointwise;
        if (a.Group == channels && a.NumOutput == channels)
            return Path.Depthwise;
        if (a.Group == 1 && DirectConv.Handles(channels, Window(ConvolutionLayer.Params(a))))
            return Path.Direct;
        return a.Group == 1 ? Path.Im2Col : Path.Reference;
    }

    /// <summary>
    /// For memory estimates: the floats the layer keeps beside the model's blobs (the folded bias, and
    /// the folded weights or their packed or rearranged copy), the longest array it makes, and the
    /// length of the pooled buffer it folds into when it keeps only a copy (0 when it keeps the
    /// folded weights themselves); the scratch its kernels ask for goes to <paramref name="scratch"/>.
    /// </summary>
    internal static (long Floats, long Longest, long Folded) Kept(ConvFusion fusion, BlockedIo io, ScratchEstimate scratch)
    {
        if (io.Any)
            return KeptBlocked(fusion, io, scratch);
        var node = fusion.Anchor;
        var a = LayerFactory.Attributes<ConvolutionAttributes>(node);
        var p = ConvolutionLayer.Params(a);
        var ins = node.Inputs[0].Shape.Dims;
        var outs = node.Outputs[0].Shape.Dims;
        int channels = ins[1], height = ins[2], width = ins[3], k = channels * a.KernelH * a.KernelW;
        var simd = SimdPaths.Best;
        long folded = node.ParamShapes[0].Count, copy = 0;
        var path = PathFor(a, channels, height, width);
        switch (path)
        {
            case Path.Pointwise:
                Sgemm.NeedScratch(simd, k, height * width, transposeB: false, scratch);
                copy = PackedMatrix.Floats(a.NumOutput, k);
                break;
            case Path.Im2Col:
                Im2ColConv.NeedScratch(simd, k, outs[2], outs[3], scratch);
                copy = PackedMatrix.Floats(a.NumOutput, k);
                break;
            case Path.Direct:
                DirectConv.NeedScratch(simd, channels, height, width, Window(p), scratch);
                copy = DirectConv.ArrangedFloats(a.NumOutput, channels, Window(p));
                break;
            case Path.Depthwise:
                DepthwiseConv.NeedScratch(simd, height, width, Window(p), scratch);
                break;
            case Path.Reference:
                Convolution.NeedScratch(channels, p, (long)outs[2] * outs[3], scratch);
                break;
        }
        return KeepsFolded(path, io)
            ? (folded + a.NumOutput + copy, Math.Max(folded, copy), 0)
            : (a.NumOutput + copy, Math.Max(folded, copy), folded);
    }

    /// <summary>Whether a path runs on the folded weights as they are (the others keep a rearranged copy).</summary>
    static bool KeepsFolded(Path path, BlockedIo io) => !io.Any && path is Path.PointwiseOnePixel or Path.Depthwise or Path.Reference;

    /// <summary><see cref="Kept"/> for the blocked kernels: their packed weights and bias, and the reorder buffers.</summary>
    static (long Floats, long Longest, long Folded) KeptBlocked(ConvFusion fusion, BlockedIo io, ScratchEstimate scratch)
    {
        var node = fusion.Anchor;
        var a = LayerFactory.Attributes<ConvolutionAttributes>(node);
        var input = node.Inputs[0].Shape;
        var output = node.Outputs[0].Shape;
        long folded = node.ParamShapes[0].Count;
        var kernel = ChannelLayout.KernelOf(fusion);
        long packed = kernel switch
        {
            BlockedKernel.Depthwise => (long)ChannelLayout.RoundUp(input[1], io.Block) * a.KernelH * a.KernelW,
            BlockedKernel.Conv => BlockedConv.PackedFloats(a.NumOutput, input[1], a.KernelH * a.KernelW, io.Block),
            BlockedKernel.Winograd => BlockedWinograd.PackedFloats(a.NumOutput, input[1], io.Block, TileOf(a, input, output)),
            _ => (long)ChannelLayout.RoundUp(a.NumOutput, io.Block) * input[1] * a.KernelH * a.KernelW,
        };
        if (kernel == BlockedKernel.Conv)
            BlockedConv.NeedScratch(io.Block, input[0], input[1], input[2], input[3], Window(ConvolutionLayer.Params(a)), scratch);
        if (kernel == BlockedKernel.Winograd)
            BlockedWinograd.NeedScratch(io.Block, input[1], a.NumOutput, output[2], output[3], TileOf(a, input, output), scratch);
        // The direct kernel reads NCHW, the others blocked: the other layout is reordered into scratch.
        if (io.Input == (kernel == BlockedKernel.Direct))
            scratch.PerThread(ScratchKind.ReorderInput, kernel == BlockedKernel.Direct ? input.Count : ChannelLayout.BlockedFloats(input, io.Block));
        if (fusion.Residual is not null && !io.Residual)
            scratch.PerThread(ScratchKind.ReorderResidual, ChannelLayout.BlockedFloats(output, io.Block));
        if (!io.Output)
            scratch.PerThread(ScratchKind.ReorderOutput, ChannelLayout.BlockedFloats(output, io.Block));
        long bias = ChannelLayout.RoundUp(a.NumOutput, io.Block);
        packed = AlignedFloats.Allocated(packed);
        return (a.NumOutput + packed + bias, Math.Max(folded, packed), folded);
    }

    static int TileOf(ConvolutionAttributes a, Shape input, Shape output) =>
        BlockedWinograd.TileFor(Window(ConvolutionLayer.Params(a)), input[1], output[2], output[3]);

    internal static ConvWindow Window(in ConvolutionParams p) =>
        new(p.KernelH, p.KernelW, p.StrideH, p.StrideW, p.PadH, p.PadW, p.DilationH, p.DilationW);

    internal static Activation ActivationOf(Node? node) => node?.Attributes switch
    {
        null => Activation.None,
        ReLUAttributes => Activation.Relu,
        ClipAttributes c => Activation.Clamp(c.Min, c.Max),
        _ when node.Type == "ReLU6" => Activation.Clamp(0, 6),
        _ => throw new InvalidOperationException($"{node} is not a fusable activation"),
    };

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var src = inputs[0].Span;
        var dst = outputs[0].Span;
        // A fused shortcut's other input: the GEMM epilogue adds it before the clamp; the other
        // paths add it after the convolution, so their own epilogue must not clamp first.
        var residual = inputs.Length > 1 ? inputs[1].Span : default;
        var activation = residual.IsEmpty ? _activation : Activation.None;
        int inImage = _channels * _height * _width, outPlane = _outHeight * _outWidth, outImage = _p.NumOutput * outPlane;
        switch (_path)
        {
            case Path.BlockedDepthwise or Path.BlockedPointwise or Path.BlockedDirect or Path.BlockedConv or Path.BlockedWinograd:
                ForwardBlocked(src, residual, dst);
                return;
            case Path.Pointwise:
                Sgemm.Multiply(_packed!, src, _height * _width, dst, outPlane, outPlane, _bias, residual, residual.IsEmpty ? 0 : outPlane,
                    _activation, pool: _pool, batch: new GemmBatch(_batch, inImage, outImage));
                return;
            case Path.PointwiseOnePixel:
                Gemv.Multiply(_weights, _p.NumOutput, _channels, src, _batch, dst, _bias, residual, _activation, _pool);
                return;
            case Path.Im2Col:
                Im2ColConv.Forward(_packed!, src, dst, _batch, _channels, _height, _width, _p, _outHeight, _outWidth, _bias,
                    residual, _activation, _pool);
                return;
            case Path.Depthwise:
                DepthwiseConv.Forward(src, dst, _batch, _channels, _height, _width, _weights, _bias,
                    new ConvWindow(_p.KernelH, _p.KernelW, _p.StrideH, _p.StrideW, _p.PadH, _p.PadW, _p.DilationH, _p.DilationW),
                    activation, _pool);
                break;
            case Path.Direct:
                _direct!.Forward(src, dst, _batch, _height, _width, activation, _pool);
                break;
            default:
                Convolution.Forward(inputs[0], _weights, _bias, _p, outputs[0]);
                if (residual.IsEmpty && !_activation.IsNone)
                {
                    foreach (ref float v in dst)
                        v = _activation.Apply(v);
                }
                break;
        }
        if (!residual.IsEmpty)
            AddThenClamp(dst, residual, _activation);
    }

    /// <summary>
    /// The blocked kernels, with the epilogue (shortcut and clamp) fused; an NCHW input or shortcut is
    /// reordered into scratch first, an NCHW output written to scratch and reordered after.
    /// </summary>
    unsafe void ForwardBlocked(ReadOnlySpan<float> src, ReadOnlySpan<float> residual, Span<float> dst)
    {
        int block = _io.Block, outPlane = _outHeight * _outWidth;
        int outFloats = checked(_batch * ChannelLayout.RoundUp(_p.NumOutput, block) * outPlane);
        if (_path == Path.BlockedDirect && _io.Input)
        {
            // The direct kernel reads NCHW (the layout never gives it a blocked input; a caller might).
            int floats = _batch * _channels * _height * _width;
            var nchw = new Span<float>(Scratch.ReorderInput(floats), floats);
            BlockedReorder.ToNchw(src, nchw, _batch, _channels, _height * _width, block);
            src = nchw;
        }
        else if (_path != Path.BlockedDirect && !_io.Input)
            src = BlockedReorder.InputToBlocked(src, _batch, _channels, _height * _width, block);
        if (!residual.IsEmpty && !_io.Residual)
        {
            var blocked = new Span<float>(Scratch.ReorderResidual(outFloats), outFloats);
            BlockedReorder.ToBlocked(residual, blocked, _batch, _p.NumOutput, outPlane, block);
            residual = blocked;
        }
        var output = _io.Output ? dst : new Span<float>(Scratch.ReorderOutput(outFloats), outFloats);
        if (_path == Path.BlockedDepthwise)
        {
            BlockedDepthwise.Forward(block, src, output, residual, _batch, _channels, _height, _width, _blockedWeights, _blockedBias,
                Window(_p), _activation, _pool);
        }
        else if (_path == Path.BlockedPointwise)
        {
            BlockedPointwise.Forward(block, src, output, residual, _batch, _channels, _p.NumOutput, outPlane, _blockedWeights,
                _blockedBias, _activation, _pool);
        }
        else if (_path == Path.BlockedConv)
        {
            BlockedConv.Forward(block, src, output, residual, _batch, _channels, _height, _width, _p.NumOutput, _blockedWeights,
                _blockedBias, Window(_p), _activation, _pool);
        }
        else if (_path == Path.BlockedWinograd)
        {
            BlockedWinograd.Forward(block, src, output, residual, _batch, _channels, _height, _width, _p.NumOutput, _blockedWeights,
                _blockedBias, Window(_p), _activation, _tile, _pool);
        }
        else
        {
            BlockedDirectConv.Forward(block, src, output, residual, _batch, _channels, _height, _width, _p.NumOutput, _blockedWeights,
                _blockedBias, Window(_p), _activation, _pool);
        }
        if (!_io.Output)
            BlockedReorder.ToNchw(output, dst, _batch, _p.NumOutput, outPlane, block);
    }

    static void AddThenClamp(Span<float> dst, ReadOnlySpan<float> residual, Activation activation)
    {
        for (int i = 0; i < dst.Length; i++)
            dst[i] = activation.Apply(dst[i] + residual[i]);
    }
}
