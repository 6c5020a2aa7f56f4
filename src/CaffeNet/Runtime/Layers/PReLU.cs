using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class PReLULayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly PReLUParams _p = new(LayerFactory.Attributes<PReLUAttributes>(node).ChannelShared);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.PReLU.Forward(inputs[0], blobs[0].Span, _p, outputs[0]);
}
