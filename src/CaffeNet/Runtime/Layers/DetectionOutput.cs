using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// DetectionOutput (SSD's fork): decodes the location predictions (bottom 0) against the priors
/// (bottom 2), keeps per class the boxes whose confidence (bottom 1) passes the threshold and
/// non-maximum suppression, then the keep_top_k best per image. The top is 1 x 1 x rows x 7, each
/// row [image, label, score, xmin, ymin, xmax, ymax]. The row count depends on the data: the plan
/// reserves the most the layer can keep, and the executor hands on only the rows written.
/// </summary>
sealed class DetectionOutputDefinition : LayerDefinition
{
    public override string Type => "DetectionOutput";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new DetectionOutputLayer(node);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(3);
        c.Tops(1);
        var p = c.Layer.DetectionOutputParam ?? throw c.Error("needs detection_output_param with num_classes");
        if (!p.HasNumClasses) throw c.Error("needs num_classes");
        var nms = p.NmsParam ?? new NonMaximumSuppressionParameter();
        if (!(nms.NmsThreshold >= 0)) throw c.Error($"nms_threshold {nms.NmsThreshold} must not be negative");
        if (!(nms.Eta > 0 && nms.Eta <= 1)) throw c.Error($"eta {nms.Eta} must be in (0, 1]");
        int classes = checked((int)p.NumClasses);
        int locClasses = p.ShareLocation ? 1 : classes;
        var (loc, conf, prior) = (c.Inputs[0], c.Inputs[1], c.Inputs[2]);
        if (prior.IsKnown && prior.Rank != 3) throw c.Error($"needs priors of shape 1 x 2 x (priors x 4), got {prior}");
        int? priors = prior.IsKnown ? prior.Dim(2) / 4 : null;
        if (priors is { } n)
        {
            if (prior.Dim(0) != 1 || prior.Dim(1) != 2 || prior.Dim(2) % 4 != 0)
                throw c.Error($"needs priors of shape 1 x 2 x (priors x 4), got {prior}");
            if (loc.CountFromIfKnown(1) is { } locCount && locCount != (long)n * locClasses * 4)
                throw c.Error($"location predictions {loc} do not hold {n} priors x {locClasses} x 4 values per image");
            if (conf.CountFromIfKnown(1) is { } confCount && confCount != (long)n * classes)
                throw c.Error($"confidences {conf} do not hold {n} priors x {classes} classes per image");
        }
        int? images = loc.IsKnown ? loc.Dim(0) : null;
        if (images is { } i && conf.IsKnown && conf.Dim(0) != i)
            throw c.Error($"{i} images of location predictions ({loc}) but {conf.Dim(0)} of confidences ({conf})");
        int topK = nms.HasTopK ? nms.TopK : -1;
        int keepTopK = p.KeepTopK;
        long? rows = images * (long?)PerImage(classes, p.BackgroundLabelId, priors, topK, keepTopK);
        if (rows is { } r && images is { } count) rows = Math.Max(r, count);
        var a = new DetectionOutputAttributes(classes, p.ShareLocation, p.BackgroundLabelId, nms.NmsThreshold, nms.Eta, topK, keepTopK,
            p.HasConfidenceThreshold ? p.ConfidenceThreshold : float.MinValue, (BoxCode)p.CodeType, p.VarianceEncodedInTarget,
            priors ?? 0, (int)Math.Min(rows ?? 0, int.MaxValue));
        return new LayerShapes([c.Output(1, 1, rows, 7)])
        {
            Attributes = a,
            ElementwiseOps = loc.CountIfKnown + conf.CountIfKnown,
        };
    }

    /// <summary>The most rows one image can give: NMS keeps at most top_k per class, keep_top_k caps the total.</summary>
    static long? PerImage(int classes, int background, int? priors, int topK, int keepTopK)
    {
        if (priors is not { } n) return keepTopK > -1 ? keepTopK : null;
        int scored = classes - (background >= 0 && background < classes ? 1 : 0);
        long most = (long)scored * (topK > -1 ? Math.Min(topK, n) : n);
        return keepTopK > -1 ? Math.Min(most, keepTopK) : most;
    }
}

/// <summary>DetectionOutput: <see cref="Produced"/> is 1 x 1 x (rows written) x 7 after each forward.</summary>
sealed class DetectionOutputLayer(Node node) : ILayer, IVariableOutput
{
    readonly DetectionOutputAttributes _a = LayerFactory.Attributes<DetectionOutputAttributes>(node);
    readonly DetectionScratch _scratch = new();

    public TensorShape Produced { get; private set; } = LayerFactory.ToTensorShape(node.Outputs[0].Shape);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        int rows = Kernels.DetectionOutput.Forward(inputs[0], inputs[1], inputs[2], _a, _scratch, outputs[0]);
        Produced = new TensorShape([1, 1, rows, 7]);
    }
}
