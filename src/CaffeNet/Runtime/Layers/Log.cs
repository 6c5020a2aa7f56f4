using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class LogLayer(Node node) : ILayer
{
    readonly LogParams _p = Params(LayerFactory.Attributes<ExpLogAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Log.Forward(inputs[0], _p, outputs[0]);

    static LogParams Params(ExpLogAttributes a) => new(a.Base, a.Scale, a.Shift);
}
