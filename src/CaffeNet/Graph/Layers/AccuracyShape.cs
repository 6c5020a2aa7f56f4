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
        // Checks that need a size the data source holds are left out.
        if (p.TopK > scores.CountIfKnown / labels.CountIfKnown)
            throw c.Error($"top_k {p.TopK} is more than the number of classes ({scores.Count / labels.Count})");
        int axis = c.Axis(p.Axis, scores);
        long? predictions = scores.CountRangeIfKnown(0, axis) * scores.CountFromIfKnown(axis + 1);
        if (predictions is { } n && labels.CountIfKnown is { } l && n != l)
            throw c.Error($"{l} labels ({labels}) for {n} predictions ({scores}, label axis {axis})");
        var outputs = new List<Shape> { new() };
        if (c.TopCount == 2) outputs.Add(c.Output(scores.Dim(axis)));
        return new LayerShapes(outputs)
        {
            Attributes = new AccuracyAttributes((int)p.TopK, axis, p.HasIgnoreLabel ? p.IgnoreLabel : null),
            ElementwiseOps = scores.CountIfKnown,
        };
    }
}
