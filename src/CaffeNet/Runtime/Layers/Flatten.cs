using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class FlattenLayer(Node node) : ILayer
{
    readonly FlattenParams _p = Params(LayerFactory.Attributes<FlattenAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Flatten.Forward(inputs[0], _p, outputs[0]);

    static FlattenParams Params(FlattenAttributes a) => new(a.Axis, a.EndAxis);
}
