using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// An InnerProduct with folded BatchNorm/Scale and fused activation: per input row, the prepacked
/// weights [outputs x K] times the row as a K x 1 column, bias and clamp in the epilogue.
/// </summary>
sealed class FusedInnerProductLayer : ILayer
{
    readonly PackedMatrix _packed;
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
        _packed = PackedMatrix.Pack(w, _outputs, _k, _k);
        _bias = bias;
        _activation = FusedConvolutionLayer.ActivationOf(fusion.Activation);
        _pool = pool;
    }

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var src = inputs[0].Span;
        var dst = outputs[0].Span;
        var residual = inputs.Length > 1 ? inputs[1].Span : default;
        for (int r = 0; r < _rows; r++)
            Sgemm.Multiply(_packed, src.Slice(r * _k, _k), 1, dst.Slice(r * _outputs, _outputs), 1, 1, _bias,
                residual.IsEmpty ? default : residual.Slice(r * _outputs, _outputs), residual.IsEmpty ? 0 : 1, _activation, pool: _pool);
    }
}
