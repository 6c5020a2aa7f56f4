using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Accuracy of predictions (bottom 0) against labels (bottom 1): a scalar, and optionally per-class values.</summary>
sealed class AccuracyDefinition : LayerDefinition
{
    public override string Type => "Accuracy";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new AccuracyLayer(node);

    public override LayerShapes Infer(LayerContext c)
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

/// <summary>Accuracy; the optional second top receives the per-class accuracies.</summary>
sealed class AccuracyLayer(Node node) : ILayer
{
    readonly AccuracyParams _p = Params(LayerFactory.Attributes<AccuracyAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Accuracy.Forward(inputs[0], inputs[1], _p, outputs[0], outputs.Length > 1 ? outputs[1].Span : []);

    static AccuracyParams Params(AccuracyAttributes a) => new(a.TopK, a.Axis, a.IgnoreLabel);
}
