using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>SigmoidCrossEntropyLoss: scores and equally sized targets give a scalar loss.</summary>
sealed class SigmoidCrossEntropyLossDefinition : LayerDefinition
{
    public override string Type => "SigmoidCrossEntropyLoss";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new SigmoidCrossEntropyLossLayer(node);

    public override LayerShapes Infer(LayerContext c)
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

sealed class SigmoidCrossEntropyLossLayer(Node node) : ILayer
{
    readonly SigmoidCrossEntropyLossParams _p = Params(node.Layer.LossParam ?? new LossParameter());

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.SigmoidCrossEntropyLoss.Forward(inputs[0], inputs[1], _p, outputs[0]);

    // Unlike SoftmaxWithLoss, Caffe's SigmoidCrossEntropyLoss divides by the batch size when the
    // prototxt sets neither `normalization` nor `normalize` (its historical normaliser).
    static SigmoidCrossEntropyLossParams Params(LossParameter loss) =>
        new(loss.HasIgnoreLabel ? loss.IgnoreLabel : null,
            loss.HasNormalization || loss.HasNormalize ? SoftmaxWithLossLayer.Normalization(loss) : LossNormalization.BatchSize);
}
