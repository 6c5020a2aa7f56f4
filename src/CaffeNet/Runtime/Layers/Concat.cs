using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class ConcatLayer(Node node) : ILayer
{
    readonly ConcatParams _p = new(LayerFactory.Attributes<AxisAttributes>(node).Axis);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Concat.Forward(inputs, _p, outputs[0]);
}
