using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

sealed class ELULayer(Node node) : ILayer
{
    readonly float _alpha = LayerFactory.Attributes<ELUAttributes>(node).Alpha;

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ELU.Forward(inputs[0], _alpha, outputs[0]);
}
