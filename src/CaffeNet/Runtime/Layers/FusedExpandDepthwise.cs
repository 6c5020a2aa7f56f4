using System.Buffers;
using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// A 1x1 convolution and the depthwise convolution chained to it (<see cref="ChainDepthwise"/>),
/// each with its folded BatchNorm/Scale and activation, as one step on
/// <see cref="BlockedExpandDepthwise"/>: band by band, so the expanded tensor stays in cache. An
/// NCHW input or output (where the layout left one) is reordered on this side, as the other
/// fused convolutions do.
/// </summary>
sealed class FusedExpandDepthwiseLayer : ILayer
{
    readonly int _block, _batch, _inputs, _channels, _height, _width, _outHeight, _outWidth;
    readonly bool _blockedInput, _blockedOutput;
    readonly AlignedFloats _expandWeights, _weights;
    readonly float[] _expandBias, _bias;
    readonly Activation _expandActivation, _activation;
    readonly ConvWindow _window;
    readonly WorkerPool? _pool;

    public FusedExpandDepthwiseLayer(ConvFusion pair, NetWeights weights, WorkerPool? pool, BlockedIo io)
    {
        var depthwise = pair.Depthwise ?? throw new ArgumentException($"{pair.Anchor} has no chained depthwise convolution", nameof(pair));
        var expand = pair with { Depthwise = null };
        var ins = pair.Anchor.Inputs[0].Shape;
        var outs = pair.Result.Shape;
        (_batch, _inputs, _height, _width) = (ins[0], ins[1], ins[2], ins[3]);
        (_outHeight, _outWidth) = (outs[2], outs[3]);
        _channels = depthwise.Anchor.Inputs[0].Shape[1];
        _block = BlockOf(io);
        (_blockedInput, _blockedOutput) = (io.Input, io.Output);
        _window = WindowOf(depthwise);
        _pool = pool;
        // Both fold into one pooled buffer, in turn, as the other fused convolutions do: only the packed copies stay.
        int expandCount = weights.For(expand.Anchor)[0].Count, count = weights.For(depthwise.Anchor)[0].Count;
        var folded = ArrayPool<float>.Shared.Rent(Math.Max(expandCount, count));
        var w = folded.AsSpan(0, expandCount);
        var b = FoldedWeights.Into(expand, weights, w);
        _expandWeights = BlockedPointwise.PackWeights(w, _channels, _inputs, _block);
        _expandBias = BlockedDepthwise.PackChannels(b, _channels, _block);
        _expandActivation = FusedConvolutionLayer.ActivationOf(expand.Activation);
        w = folded.AsSpan(0, count);
        b = FoldedWeights.Into(depthwise, weights, w);
        _weights = BlockedDepthwise.PackWeights(w, _channels, _window.KernelH * _window.KernelW, _block);
        _bias = BlockedDepthwise.PackChannels(b, _channels, _block);
        _activation = FusedConvolutionLayer.ActivationOf(depthwise.Activation);
        ArrayPool<float>.Shared.Return(folded);
    }

    /// <summary>
    /// The layout's blocks; where it blocked none of the pair's tensors (a net of NCHW layers
    /// around it), blocks of 8 (AVX2's lanes; emulated, slowly but exactly, where a CPU lacks them).
    /// </summary>
    static int BlockOf(BlockedIo io) => io.Block != 0 ? io.Block : 8;

    static ConvWindow WindowOf(ConvFusion depthwise) =>
        FusedConvolutionLayer.Window(ConvolutionLayer.Params(LayerFactory.Attributes<ConvolutionAttributes>(depthwise.Anchor)));

    /// <summary>
    /// For memory estimates, as <see cref="FusedConvolutionLayer.Kept"/>: the packed weights and
    /// biases kept (with the folded biases), the longest array made, and the pooled buffer both fold
    /// into; the band buffer and reorder buffers go to <paramref name="scratch"/>.
    /// </summary>
    internal static (long Floats, long Longest, long Folded) Kept(ConvFusion pair, BlockedIo io, ScratchEstimate scratch)
    {
        var depthwise = pair.Depthwise!;
        var input = pair.Anchor.Inputs[0].Shape;
        var mid = depthwise.Anchor.Inputs[0].Shape;
        var output = pair.Result.Shape;
        int block = BlockOf(io), channels = ChannelLayout.RoundUp(mid[1], block);
        var window = WindowOf(depthwise);
        long expand = AlignedFloats.Allocated((long)channels * input[1]), taps = AlignedFloats.Allocated((long)channels * window.KernelH * window.KernelW);
        scratch.PerThread(ScratchKind.ExpandedRows, BlockedExpandDepthwise.BufferFloats(block, mid[1], mid[2], mid[3], window));
        if (!io.Input)
            scratch.PerThread(ScratchKind.ReorderInput, ChannelLayout.BlockedFloats(input, block));
        if (!io.Output)
            scratch.PerThread(ScratchKind.ReorderOutput, ChannelLayout.BlockedFloats(output, block));
        long folded = Math.Max(pair.Anchor.ParamShapes[0].Count, depthwise.Anchor.ParamShapes[0].Count);
        return (expand + taps + 4L * channels, Math.Max(folded, Math.Max(expand, taps)), folded);
    }

    public unsafe void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        ReadOnlySpan<float> src = inputs[0].Span;
        var dst = outputs[0].Span;
        if (!_blockedInput)
            src = BlockedReorder.InputToBlocked(src, _batch, _inputs, _height * _width, _block);
        int outFloats = checked(_batch * ChannelLayout.RoundUp(_channels, _block) * _outHeight * _outWidth);
        var output = _blockedOutput ? dst : new Span<float>(Scratch.ReorderOutput(outFloats), outFloats);
        BlockedExpandDepthwise.Forward(_block, src, output, _batch, _inputs, _channels, _height, _width, _expandWeights, _expandBias,
            _expandActivation, _weights, _bias, _window, _activation, _pool);
        if (!_blockedOutput)
            BlockedReorder.ToNchw(output, dst, _batch, _channels, _outHeight * _outWidth, _block);
    }
}
