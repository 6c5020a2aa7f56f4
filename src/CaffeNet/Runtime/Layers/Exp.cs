using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class ExpLayer(Node node) : ILayer
{
    readonly ExpParams _p = Params(LayerFactory.Attributes<ExpLogAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Exp.Forward(inputs[0], _p, outputs[0]);

    static ExpParams Params(ExpLogAttributes a) => new(a.Base, a.Scale, a.Shift);
}
