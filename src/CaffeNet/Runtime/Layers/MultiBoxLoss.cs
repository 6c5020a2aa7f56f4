using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// MultiBoxLoss (SSD's fork): the training loss over location predictions, confidences, priors
/// and ground-truth boxes; a scalar. Shaped for dump; it does not run, as training is out of scope.
/// </summary>
sealed class MultiBoxLossDefinition : LayerDefinition
{
    public override string Type => "MultiBoxLoss";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) =>
        throw new CaffeNetException("MultiBoxLoss is SSD's training loss, which needs ground-truth boxes from a database, and cannot run here; " +
            "run the deploy prototxt, or a phase without it");

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(4);
        c.Tops(1);
        var p = c.Layer.MultiboxLossParam ?? throw c.Error("needs multibox_loss_param with num_classes");
        if (!p.HasNumClasses) throw c.Error("needs num_classes");
        return new LayerShapes([new Shape()]);
    }
}
