using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class ArgMaxLayer(Node node) : ILayer
{
    readonly ArgMaxParams _p = Params(LayerFactory.Attributes<ArgMaxAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ArgMax.Forward(inputs[0], _p, outputs[0]);

    static ArgMaxParams Params(ArgMaxAttributes a) => new(a.OutMaxVal, a.TopK, a.Axis);
}
