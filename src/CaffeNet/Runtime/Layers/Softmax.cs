using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class SoftmaxLayer(Node node) : ILayer
{
    readonly SoftmaxParams _p = new(LayerFactory.Attributes<AxisAttributes>(node).Axis);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Softmax.Forward(inputs[0], _p, outputs[0]);
}
