using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// YoloDetectionOutput (MobileNet-YOLO's fork, YOLOv2): decodes one or two square region outputs
/// (see <see cref="Kernels.YoloDetectionOutput"/>), then class-agnostic NMS. The top is
/// 1 x 1 x rows x 7 like SSD's DetectionOutput, rows [image, label (class + 1), score, xmin,
/// ymin, xmax, ymax] relative to the image, boxes not clipped. The fork numbers every row image 0
/// and runs NMS over the whole batch; here each image keeps its own rows (the same at batch 1).
/// The plan reserves a row per candidate; the executor hands on the rows written.
/// </summary>
sealed class YoloDetectionOutputDefinition : LayerDefinition
{
    public override string Type => "YoloDetectionOutput";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) =>
        new YoloDetectionOutputLayer(LayerFactory.Attributes<YoloDetectionAttributes>(node), node);

    public override LayerShapes Infer(LayerContext c)
    {
        // The fork reads bottoms 0 and 1 only.
        c.Bottoms(1, 2);
        c.Tops(1);
        var p = c.Layer.YoloDetectionOutputParam ?? throw c.Error("needs yolo_detection_output_param with num_classes");
        if (!p.HasNumClasses || p.NumClasses == 0) throw c.Error("needs num_classes");
        if (p.NumBox == 0) throw c.Error("num_box must be positive");
        int classes = checked((int)p.NumClasses), boxes = checked((int)p.NumBox);
        if (p.Biases.Count < 2 * boxes) throw c.Error($"{boxes} boxes need {2 * boxes} biases (anchor widths and heights), got {p.Biases.Count}");
        long? rows = 0;
        foreach (var input in c.Inputs)
        {
            c.Rank(input, 4, "(N, C, H, W) input");
            if (input.Dim(2) is { } h && input.Dim(3) is { } w && h != w)
                throw c.Error($"needs square inputs (the fork takes the side from the width), got {input}");
            if (input.Dim(1) is { } channels && (channels % boxes != 0 || channels / boxes < 5 + classes))
                throw c.Error($"{input} does not hold {boxes} boxes of (x, y, w, h, objectness, {classes} class scores)");
            if (c.Inputs[0].Dim(0) is { } n0 && input.Dim(0) is { } n && n != n0)
                throw c.Error($"bottoms have different batches, {c.Inputs[0]} and {input}");
            rows += input.Dim(0) * (long?)input.Dim(2) * input.Dim(3) * boxes;
        }
        // With no candidate, each image gets a row of -1.
        if (rows is { } total) rows = Math.Max(total, c.Input.Dim(0) ?? 0);
        var a = new YoloDetectionAttributes(new YoloV2Params(classes, boxes, p.ConfidenceThreshold, p.NmsThreshold, [.. p.Biases]));
        return new LayerShapes([c.Output(1, 1, rows, 7)])
        {
            Attributes = a,
            ElementwiseOps = c.Inputs.Sum(i => i.CountIfKnown),
        };
    }
}

sealed record YoloDetectionAttributes(YoloV2Params Params) : LayerAttributes;

/// <summary>YoloDetectionOutput: <see cref="Produced"/> is 1 x 1 x (rows written) x 7 after each forward.</summary>
sealed class YoloDetectionOutputLayer(YoloDetectionAttributes a, Node node) : ILayer, IVariableOutput
{
    public TensorShape Produced { get; private set; } = LayerFactory.ToTensorShape(node.Outputs[0].Shape);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        int rows = Kernels.YoloDetectionOutput.Forward(inputs, a.Params, outputs[0].Span);
        Produced = new TensorShape([1, 1, rows, 7]);
    }
}
