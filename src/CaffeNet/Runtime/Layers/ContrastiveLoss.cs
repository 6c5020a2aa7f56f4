using CaffeNet.Graph;
using CaffeNet.Proto;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// ContrastiveLoss (BVLC, for siamese nets): bottoms a and b (N x C, trailing axes 1) and the
/// pair labels y (N x 1). With d the Euclidean distance of a pair, the loss is
/// sum(y ? d² : max(margin - d, 0)²) / 2N; legacy_version uses max(margin - d², 0) instead.
/// </summary>
sealed class ContrastiveLossDefinition : LayerDefinition
{
    public override string Type => "ContrastiveLoss";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) =>
        new ContrastiveLossLayer(LayerFactory.Attributes<ContrastiveLossAttributes>(node));

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(3);
        c.Tops(1);
        Loss.CheckBatch(c);
        var (a, b, y) = (c.Inputs[0], c.Inputs[1], c.Inputs[2]);
        foreach (var (shape, what) in new[] { (a, "a"), (b, "b") })
            if (shape.Rank is < 2 or > 4 || shape.CountFromIfKnown(2) is not (1 or null))
                throw c.Error($"bottom {what} must be N x C (x 1 x 1), got {shape}");
        if (a.Dim(1) is { } ca && b.Dim(1) is { } cb && ca != cb)
            throw c.Error($"bottoms a and b must have the same channels, got {a} and {b}");
        if (y.Rank is 0 or > 4 || y.CountFromIfKnown(1) is not (1 or null) || y.Dim(0) is { } ny && a.Dim(0) is { } na && ny != na)
            throw c.Error($"the labels must be N x 1 (x 1 x 1), one per pair of a {a}, got {y}");
        var p = c.Layer.ContrastiveLossParam ?? new ContrastiveLossParameter();
        return new LayerShapes([new Shape()])
        {
            Attributes = new ContrastiveLossAttributes(p.Margin, p.LegacyVersion),
            ElementwiseOps = a.CountIfKnown * 3,
        };
    }
}

sealed record ContrastiveLossAttributes(float Margin, bool LegacyVersion) : LayerAttributes;

sealed class ContrastiveLossLayer(ContrastiveLossAttributes a) : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ContrastiveLoss.Forward(inputs[0], inputs[1], inputs[2], a.Margin, a.LegacyVersion, outputs[0]);
}
