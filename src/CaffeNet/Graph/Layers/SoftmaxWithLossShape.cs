using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>
/// SoftmaxWithLoss: scores (bottom 0) and labels (bottom 1) give a scalar loss; a second top
/// holds the softmax probabilities.
/// </summary>
internal sealed class SoftmaxWithLossShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(2);
        c.Tops(1, 2);
        var (scores, labels) = (c.Inputs[0], c.Inputs[1]);
        Loss.CheckBatch(c);
        int axis = c.Axis((c.Layer.SoftmaxParam ?? new SoftmaxParameter()).Axis, scores);
        long? predictions = scores.CountRangeIfKnown(0, axis) * scores.CountFromIfKnown(axis + 1);
        if (predictions is { } n && labels.CountIfKnown is { } l && n != l)
            throw c.Error($"{l} labels ({labels}) for {n} predictions ({scores}, softmax axis {axis})");
        var outputs = new List<Shape> { new() };
        if (c.TopCount == 2) outputs.Add(scores);
        return new LayerShapes(outputs) { Attributes = new AxisAttributes(axis), ElementwiseOps = scores.CountIfKnown };
    }
}
