using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class ReLULayer(Node node) : ILayer
{
    readonly ReLUParams _p = new(LayerFactory.Attributes<ReLUAttributes>(node).NegativeSlope);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ReLU.Forward(inputs[0], _p, outputs[0]);
}
