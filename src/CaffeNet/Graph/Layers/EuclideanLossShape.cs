namespace CaffeNet.Graph;

/// <summary>EuclideanLoss: half the mean squared distance of two equally sized inputs, a scalar.</summary>
internal sealed class EuclideanLossShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(2);
        c.Tops(1);
        Loss.CheckBatch(c);
        var (a, b) = (c.Inputs[0], c.Inputs[1]);
        if (a.CountFromIfKnown(1) is { } x && b.CountFromIfKnown(1) is { } y && x != y)
            throw c.Error($"bottoms must have the same size per item, got {a} and {b}");
        return new LayerShapes([new Shape()]) { ElementwiseOps = a.CountIfKnown };
    }
}
