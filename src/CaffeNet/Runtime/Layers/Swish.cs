using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

sealed class SwishLayer(Node node) : ILayer
{
    readonly float _beta = LayerFactory.Attributes<SwishAttributes>(node).Beta;

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Swish.Forward(inputs[0], _beta, outputs[0]);
}
