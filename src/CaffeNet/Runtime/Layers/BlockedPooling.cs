using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// A MAX or AVE Pooling whose input and output the channel layout keeps blocked (see
/// <see cref="PoolingDefinition.Blocked"/>): <see cref="BlockedPool"/> pools all of a pixel's
/// block at once.
/// </summary>
sealed class BlockedPoolingLayer(Node node, int block, WorkerPool? pool) : ILayer
{
    readonly int _batch = node.Inputs[0].Shape[0], _channels = node.Inputs[0].Shape[1];
    readonly int _height = node.Inputs[0].Shape[2], _width = node.Inputs[0].Shape[3];
    readonly int _outHeight = node.Outputs[0].Shape[2], _outWidth = node.Outputs[0].Shape[3];
    readonly PoolingParams _p = PoolingLayer.Window(LayerFactory.Attributes<PoolingAttributes>(node), node.Inputs[0].Shape[2], node.Inputs[0].Shape[3]);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        BlockedPool.Forward(inputs[0].Span, outputs[0].Span, _batch, _channels, _height, _width, _outHeight, _outWidth, _p, block, pool);
}
