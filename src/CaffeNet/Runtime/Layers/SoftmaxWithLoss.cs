using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// SoftmaxWithLoss: scores (bottom 0) and labels (bottom 1) give a scalar loss; a second top
/// holds the softmax probabilities.
/// </summary>
sealed class SoftmaxWithLossDefinition : LayerDefinition
{
    public override string Type => "SoftmaxWithLoss";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new SoftmaxWithLossLayer(node);

    public override LayerShapes Infer(LayerContext c)
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

/// <summary>
/// SoftmaxWithLoss at test time: the loss top, and the probabilities in the optional second top
/// (or in scratch space of the scores' size when there is none).
/// </summary>
sealed class SoftmaxWithLossLayer(Node node) : ILayer
{
    readonly SoftmaxWithLossParams _p = Params(node);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var probabilities = outputs.Length > 1 ? outputs[1] : new Tensor(inputs[0].Shape);
        Kernels.SoftmaxWithLoss.Forward(inputs[0], inputs[1], _p, outputs[0], probabilities);
    }

    static SoftmaxWithLossParams Params(Node node)
    {
        var loss = node.Layer.LossParam ?? new LossParameter();
        return new SoftmaxWithLossParams(
            LayerFactory.Attributes<AxisAttributes>(node).Axis,
            loss.HasIgnoreLabel ? loss.IgnoreLabel : null,
            Normalization(loss));
    }

    /// <summary>The loss layers' normaliser; the legacy `normalize` flag counts only when `normalization` is not given.</summary>
    internal static LossNormalization Normalization(LossParameter loss)
    {
        var mode = !loss.HasNormalization && loss.HasNormalize
            ? (loss.Normalize ? LossParameter.Types.NormalizationMode.Valid : LossParameter.Types.NormalizationMode.BatchSize)
            : loss.Normalization;
        return mode switch
        {
            LossParameter.Types.NormalizationMode.Full => LossNormalization.Full,
            LossParameter.Types.NormalizationMode.BatchSize => LossNormalization.BatchSize,
            LossParameter.Types.NormalizationMode.None => LossNormalization.None,
            _ => LossNormalization.Valid,
        };
    }
}
