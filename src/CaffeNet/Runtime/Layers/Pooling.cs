using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>MAX or AVE pooling; a MAX layer's optional second top receives the argmax mask.</summary>
sealed class PoolingLayer(Node node) : ILayer
{
    readonly PoolingParams _p = Params(LayerFactory.Attributes<PoolingAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Pooling.Forward(inputs[0], _p, outputs[0], outputs.Length > 1 ? outputs[1] : default);

    static PoolingParams Params(PoolingAttributes a)
    {
        var method = a.Method switch
        {
            PoolingParameter.Types.PoolMethod.Max => PoolingMethod.Max,
            PoolingParameter.Types.PoolMethod.Ave => PoolingMethod.Ave,
            // Caffe has no CPU implementation of STOCHASTIC pooling either.
            _ => throw new CaffeNetException($"pooling method {a.Method} is not supported (MAX and AVE are)"),
        };
        return new PoolingParams(method, a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.PadH, a.PadW,
            a.Global, a.RoundMode == PoolingParameter.Types.RoundMode.Ceil);
    }
}
