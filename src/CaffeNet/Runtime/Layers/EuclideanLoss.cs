using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>EuclideanLoss: half the mean squared distance of two equally sized inputs, a scalar.</summary>
sealed class EuclideanLossDefinition : LayerDefinition
{
    public override string Type => "EuclideanLoss";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new EuclideanLossLayer();

    public override LayerShapes Infer(LayerContext c)
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

sealed class EuclideanLossLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.EuclideanLoss.Forward(inputs[0], inputs[1], outputs[0]);
}
