using CaffeNet.Graph;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// A global average Pooling whose input the channel layout keeps blocked: it reads the blocked
/// tensor directly and writes its NCHW output (batch x channels x 1 x 1), so the blocked run before
/// it ends with no reorder.
/// </summary>
sealed class BlockedGlobalAverageLayer(Node node, int block) : ILayer
{
    readonly int _batch = node.Inputs[0].Shape[0], _channels = node.Inputs[0].Shape[1];
    readonly int _plane = node.Inputs[0].Shape[2] * node.Inputs[0].Shape[3];

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        BlockedGlobalMean.Forward(inputs[0].Span, outputs[0].Span, _batch, _channels, _plane, block);
}
