using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime.Layers;

/// <summary>MAX or AVE pooling; a MAX layer's optional second top receives the argmax mask.</summary>
sealed class PoolingLayer(Node node) : ILayer
{
    readonly PoolingParams _p = Params(LayerFactory.Attributes<PoolingAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var input = inputs[0];
        if (IsPlaneMean(input.Shape) && outputs.Length == 1)
        {
            var output = outputs[0].Shape;
            // Checked without building the shape: this runs on every forward.
            if (output.Rank != 4 || output[0] != input.Shape[0] || output[1] != input.Shape[1] || output[2] != 1 || output[3] != 1)
                throw new ArgumentException($"Pooling output has shape {output}, expected {Kernels.Pooling.OutputShape(input.Shape, _p)}");
            int planeSize = input.Shape[2] * input.Shape[3];
            PlaneMean.Forward(input.Span, outputs[0].Span, input.Count / planeSize, planeSize);
            return;
        }
        Kernels.Pooling.Forward(input, _p, outputs[0], outputs.Length > 1 ? outputs[1] : default);
    }

    /// <summary>AVE over each whole plane with no padding: the vectorised plane mean, equal to the reference to rounding.</summary>
    bool IsPlaneMean(TensorShape input) =>
        _p.Method == PoolingMethod.Ave && input.Rank == 4 && _p.PadH == 0 && _p.PadW == 0
        && (_p.Global || (_p.KernelH == input[2] && _p.KernelW == input[3]));

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
