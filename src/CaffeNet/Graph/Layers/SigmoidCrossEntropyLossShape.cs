namespace CaffeNet.Graph;

/// <summary>SigmoidCrossEntropyLoss: scores and equally sized targets give a scalar loss.</summary>
internal sealed class SigmoidCrossEntropyLossShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(2);
        c.Tops(1);
        Loss.CheckBatch(c);
        var (a, b) = (c.Inputs[0], c.Inputs[1]);
        if (a.CountIfKnown is { } x && b.CountIfKnown is { } y && x != y)
            throw c.Error($"scores and targets must have the same count, got {a} and {b}");
        return new LayerShapes([new Shape()]) { ElementwiseOps = a.CountIfKnown };
    }
}
