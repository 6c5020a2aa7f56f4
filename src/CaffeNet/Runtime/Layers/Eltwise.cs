using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class EltwiseLayer(Node node) : ILayer
{
    readonly EltwiseParams _p = Params(LayerFactory.Attributes<EltwiseAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Eltwise.Forward(inputs, _p, outputs[0]);

    static EltwiseParams Params(EltwiseAttributes a) => new(
        a.Operation switch
        {
            EltwiseParameter.Types.EltwiseOp.Prod => EltwiseOperation.Prod,
            EltwiseParameter.Types.EltwiseOp.Max => EltwiseOperation.Max,
            _ => EltwiseOperation.Sum,
        },
        [.. a.Coefficients]);
}
