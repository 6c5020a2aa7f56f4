using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Yolov3DetectionOutput (MobileNet-YOLO's fork): decodes mask_group_num YOLO heads, one per
/// bottom (see <see cref="Kernels.Yolov3DetectionOutput"/>), then class-agnostic NMS; the top as
/// <see cref="YoloDetectionOutputDefinition"/>'s, with the same per-image rows. Box sizes are
/// relative to the input each head implies (its size times its anchors_scale), which the fork's
/// letterbox correction leaves unchanged.
/// </summary>
sealed class Yolov3DetectionOutputDefinition : LayerDefinition
{
    public override string Type => "Yolov3DetectionOutput";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) =>
        new Yolov3DetectionOutputLayer(LayerFactory.Attributes<Yolov3DetectionAttributes>(node), node);

    public override LayerShapes Infer(LayerContext c)
    {
        var p = c.Layer.Yolov3DetectionOutputParam ?? throw c.Error("needs yolov3_detection_output_param with num_classes");
        if (!p.HasNumClasses || p.NumClasses == 0) throw c.Error("needs num_classes");
        if (p.MaskGroupNum == 0) throw c.Error("mask_group_num must be positive");
        c.Bottoms(checked((int)p.MaskGroupNum));
        c.Tops(1);
        if (p.NumBox == 0) throw c.Error("num_box must be positive");
        int classes = checked((int)p.NumClasses), boxes = checked((int)p.NumBox), heads = c.Inputs.Count;
        int groups = p.Mask.Count / heads;
        if (p.AnchorsScale.Count < heads) throw c.Error($"{heads} heads need {heads} anchors_scale values, got {p.AnchorsScale.Count}");
        if (p.AnchorsScale.Take(heads).Any(s => s == 0)) throw c.Error("anchors_scale values must be positive");
        if ((heads - 1) * groups + boxes > p.Mask.Count)
            throw c.Error($"{heads} heads of {boxes} boxes need {(heads - 1) * groups + boxes} mask values, got {p.Mask.Count}");
        foreach (var m in p.Mask)
            if (2 * (long)m + 1 >= p.Biases.Count)
                throw c.Error($"mask {m} names an anchor beyond the {p.Biases.Count / 2} the biases give");
        int len = (p.GaussianBox ? 9 : 5) + classes;
        long? rows = 0;
        foreach (var input in c.Inputs)
        {
            c.Rank(input, 4, "(N, C, H, W) input");
            if (input.Dim(1) is { } channels && channels < boxes * len)
                throw c.Error($"{input} does not hold {boxes} boxes of {len} values");
            if (c.Inputs[0].Dim(0) is { } n0 && input.Dim(0) is { } n && n != n0)
                throw c.Error($"bottoms have different batches, {c.Inputs[0]} and {input}");
            rows += input.Dim(0) * (long?)input.Dim(2) * input.Dim(3) * boxes * classes;
        }
        // With no candidate, each image gets a row of -1.
        if (rows is { } total) rows = Math.Max(total, c.Input.Dim(0) ?? 0);
        var a = new Yolov3DetectionAttributes(new YoloV3Params(classes, boxes, p.ConfidenceThreshold, p.NmsThreshold,
            [.. p.Biases], [.. p.Mask.Select(m => (int)m)], groups, [.. p.AnchorsScale.Select(s => checked((int)s))], p.GaussianBox));
        return new LayerShapes([c.Output(1, 1, rows, 7)])
        {
            Attributes = a,
            ElementwiseOps = c.Inputs.Sum(i => i.CountIfKnown),
        };
    }
}

sealed record Yolov3DetectionAttributes(YoloV3Params Params) : LayerAttributes;

/// <summary>Yolov3DetectionOutput: <see cref="Produced"/> is 1 x 1 x (rows written) x 7 after each forward.</summary>
sealed class Yolov3DetectionOutputLayer(Yolov3DetectionAttributes a, Node node) : ILayer, IVariableOutput
{
    public TensorShape Produced { get; private set; } = LayerFactory.ToTensorShape(node.Outputs[0].Shape);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        int rows = Kernels.Yolov3DetectionOutput.Forward(inputs, a.Params, outputs[0].Span);
        Produced = new TensorShape([1, 1, rows, 7]);
    }
}
