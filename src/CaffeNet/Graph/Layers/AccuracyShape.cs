using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Accuracy of predictions (bottom 0) against labels (bottom 1): a scalar, and optionally per-class values.</summary>
internal sealed class AccuracyShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(2);
        c.Tops(1, 2);
        var p = c.Layer.AccuracyParam ?? new AccuracyParameter();
        var (scores, labels) = (c.Inputs[0], c.Inputs[1]);
        if (p.TopK > scores.Count / labels.Count)
            throw c.Error($"top_k {p.TopK} is more than the number of classes ({scores.Count / labels.Count})");
        int axis = c.Axis(p.Axis, scores);
        long predictions = scores.CountRange(0, axis) * scores.CountFrom(axis + 1);
        if (predictions != labels.Count)
            throw c.Error($"{labels.Count} labels ({labels}) for {predictions} predictions ({scores}, label axis {axis})");
        var outputs = new List<Shape> { new() };
        if (c.TopCount == 2) outputs.Add(new Shape(scores[axis]));
        return new LayerShapes(outputs)
        {
            Attributes = new AccuracyAttributes((int)p.TopK, axis, p.HasIgnoreLabel ? p.IgnoreLabel : null),
            ElementwiseOps = scores.Count,
        };
    }
}
