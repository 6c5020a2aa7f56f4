using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// DetectionEvaluate (SSD's fork): matches detections (bottom 0, DetectionOutput's rows) against
/// the ground-truth boxes (bottom 1, AnnotatedData's label) into 1 x 1 x (positive classes +
/// detections) x 5 rows. Shaped for dump with the detections' planned row count as the bound;
/// it does not run, as ground truth only comes from a database.
/// </summary>
sealed class DetectionEvaluateDefinition : LayerDefinition
{
    public override string Type => "DetectionEvaluate";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) =>
        throw new CaffeNetException("DetectionEvaluate scores detections against ground-truth boxes from a database and cannot run here; " +
            "run the net without it (deploy prototxt, or --phase/--stage that leave it out)");

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(2);
        c.Tops(1);
        var p = c.Layer.DetectionEvaluateParam ?? throw c.Error("needs detection_evaluate_param with num_classes");
        if (!p.HasNumClasses) throw c.Error("needs num_classes");
        var (detections, truth) = (c.Inputs[0], c.Inputs[1]);
        Rows(c, detections, 7, "detections");
        Rows(c, truth, 8, "ground truth");
        long positive = p.NumClasses - (p.BackgroundLabelId < p.NumClasses ? 1 : 0);
        return new LayerShapes([c.Output(1, 1, positive + detections.Dim(2), 5)]);
    }

    /// <summary>The fork's checks: 1 x 1 x rows x width.</summary>
    static void Rows(LayerContext c, Shape shape, int width, string what)
    {
        if (!shape.IsKnown) return;
        if (shape.Rank != 4 || shape.Dim(0) is not (1 or null) || shape.Dim(1) is not (1 or null) || shape.Dim(3) is not { } w || w != width)
            throw c.Error($"needs {what} of shape 1 x 1 x rows x {width}, got {shape}");
    }
}
