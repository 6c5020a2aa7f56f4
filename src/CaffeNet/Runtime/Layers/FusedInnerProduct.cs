using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// An InnerProduct with folded BatchNorm/Scale, a fused shortcut sum and activation: the batch of
/// input rows times the weights [outputs x K] on <see cref="Gemv"/>, bias, sum and clamp as it stores.
/// </summary>
sealed class FusedInnerProductLayer : ILayer
{
    readonly float[] _weights;
    readonly float[] _bias;
    readonly Activation _activation;
    readonly int _rows, _k, _outputs;
    readonly WorkerPool? _pool;

    public FusedInnerProductLayer(ConvFusion fusion, NetWeights weights, WorkerPool? pool)
    {
        var node = fusion.Anchor;
        var a = LayerFactory.Attributes<InnerProductAttributes>(node);
        var (w, bias) = FoldedWeights.For(fusion, weights);
        _outputs = a.NumOutput;
        var shape = node.Inputs[0].Shape;
        int axis = a.Axis < 0 ? a.Axis + shape.Rank : a.Axis;
        _rows = (int)shape.Dims.Take(axis).Aggregate(1L, (x, d) => x * d);
        _k = (int)(shape.Count / _rows);
        _weights = w;
        _bias = bias;
        _activation = FusedConvolutionLayer.ActivationOf(fusion.Activation);
        _pool = pool;
    }

    /// <summary>For memory estimates: the floats of the folded weights and bias the layer keeps beside the model's blobs, and the longer array.</summary>
    internal static (long Floats, long Longest) Kept(ConvFusion fusion)
    {
        long weights = fusion.Anchor.ParamShapes[0].Count;
        return (weights + LayerFactory.Attributes<InnerProductAttributes>(fusion.Anchor).NumOutput, weights);
    }

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var src = inputs[0].Span;
        var dst = outputs[0].Span;
        var residual = inputs.Length > 1 ? inputs[1].Span : default;
        Gemv.Multiply(_weights, _outputs, _k, src, _rows, dst, _bias, residual, _activation, _pool);
    }
}
