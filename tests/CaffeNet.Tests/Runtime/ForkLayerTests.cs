using CaffeNet.Graph;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// The forks' layer types (ShuffleChannel, Axpy, Upsample, BN, Interp, ContrastiveLoss, the YOLO
/// detection outputs) and data layers (DenseImageData, Python), run from prototxt text with
/// values worked out by hand from each fork's source.
/// </summary>
public class ForkLayerTests
{
    static NetGraph Graph(string layers, GraphOptions? options = null) =>
        GraphBuilder.Build(TextFormat.Parse<NetParameter>("name: \"t\"\n" + layers, "net.prototxt"), LayerRegistry.Default, options);

    static IReadOnlyDictionary<string, Tensor> Run(string layers, params (string Name, Tensor Value)[] inputs)
    {
        using var executor = Executor.Create(Graph(layers));
        return executor.Forward(inputs.ToDictionary(i => i.Name, i => i.Value));
    }

    static string Input(string name, params int[] dims) =>
        $"layer {{ name: \"{name}\" type: \"Input\" top: \"{name}\" input_param {{ shape {{ {string.Join(' ', dims.Select(d => $"dim: {d}"))} }} }} }}\n";

    static string Blob(int channels, params float[] values) =>
        $"blobs {{ shape {{ dim: 1 dim: {channels} dim: 1 dim: 1 }} {string.Join(' ', values.Select(v => $"data: {v}"))} }}";

    static CaffeNetException Refused(string layers) => Assert.Throws<CaffeNetException>(() => Graph(layers));

    [Fact]
    public void ShuffleChannelTransposesGroupsOfChannels()
    {
        // 6 channels as 3 groups of 2 → [0 2 4 | 1 3 5]; as 2 groups of 3 → [0 3 | 1 4 | 2 5]. Each plane is two values.
        foreach (var (group, order) in new[] { (3, new[] { 0, 2, 4, 1, 3, 5 }), (2, new[] { 0, 3, 1, 4, 2, 5 }) })
        {
            var y = Run(Input("data", 1, 6, 1, 2) + $"layer {{ name: \"s\" type: \"ShuffleChannel\" bottom: \"data\" top: \"s\" shuffle_channel_param {{ group: {group} }} }}",
                ("data", T.Iota([1, 6, 1, 2])))["s"];
            T.Close([.. order.SelectMany(c => new float[] { 2 * c, 2 * c + 1 })], y);
        }
        Assert.Contains("group 4 does not divide the 6 channels",
            Refused(Input("data", 1, 6, 1, 2) + "layer { name: \"s\" type: \"ShuffleChannel\" bottom: \"data\" top: \"s\" shuffle_channel_param { group: 4 } }").Message);
    }

    [Fact]
    public void AxpyScalesTheSecondBottomAndAddsTheThird()
    {
        // SENet's axpy_layer.cpp: top = a * bottom 1 + bottom 2; a = (2, −1) per channel.
        const string net = "layer { name: \"ax\" type: \"Axpy\" bottom: \"a\" bottom: \"x\" bottom: \"y\" top: \"o\" }";
        var y = Run(Input("a", 1, 2, 1, 1) + Input("x", 1, 2, 1, 2) + Input("y", 1, 2, 1, 2) + net,
            ("a", T.Of([1, 2, 1, 1], 2, -1)), ("x", T.Of([1, 2, 1, 2], 1, 2, 3, 4)), ("y", T.Of([1, 2, 1, 2], 10, 20, 30, 40)))["o"];
        T.Close([12, 24, 27, 36], y);
        Assert.Contains("the scale must be N x C x 1 x 1",
            Refused(Input("a", 1, 2, 2, 1) + Input("x", 1, 2, 2, 2) + Input("y", 1, 2, 2, 2) + net).Message);
    }

    [Fact]
    public void UpsampleWithOneBottomRepeatsPixels()
    {
        // MobileNet-YOLO: each pixel becomes a scale x scale block; without scale (default 1) a copy.
        var y = Run(Input("data", 1, 1, 2, 2) + "layer { name: \"up\" type: \"Upsample\" bottom: \"data\" top: \"up\" upsample_param { scale: 2 } }",
            ("data", T.Of([1, 1, 2, 2], 1, 2, 3, 4)))["up"];
        Assert.Equal([1, 1, 4, 4], y.Shape);
        T.Close([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4], y);
        var same = Run(Input("data", 1, 1, 1, 2) + "layer { name: \"up\" type: \"Upsample\" bottom: \"data\" top: \"up\" }",
            ("data", T.Of([1, 1, 1, 2], 5, 6)))["up"];
        T.Close([5, 6], same);
    }

    [Fact]
    public void UpsampleWithAMaskUnpoolsWhereTheMaximaWere()
    {
        // 4x4 input, MAX 2x2 stride 2: maxima 5 (index 1), 8 (6), 9 (12), 3 (15); SegNet's
        // Upsample (scale defaults to 2) puts them back there and zeros the rest.
        const string net = """
            layer { name: "pool" type: "Pooling" bottom: "data" top: "pool" top: "mask" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
            layer { name: "up" type: "Upsample" bottom: "pool" bottom: "mask" top: "up" }
            """;
        var outputs = Run(Input("data", 1, 1, 4, 4) + net, ("data", T.Of([1, 1, 4, 4], 1, 5, 2, 0, 3, 4, 8, 1, 0, 0, 1, 1, 9, 2, 1, 3)));
        T.Close([0, 5, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 9, 0, 0, 3], outputs["up"]);
    }

    [Theory]
    [InlineData("scale: 3", 6, 9)]
    [InlineData("scale_h: 2 scale_w: 3", 4, 9)]
    [InlineData("pad_out_h: true", 3, 6)]
    [InlineData("upsample_h: 5 upsample_w: 7", 5, 7)]
    public void SegNetUpsampleSizes(string parameters, int height, int width)
    {
        var graph = Graph(Input("data", 1, 1, 2, 3) + Input("mask", 1, 1, 2, 3)
            + $"layer {{ name: \"up\" type: \"Upsample\" bottom: \"data\" bottom: \"mask\" top: \"up\" upsample_param {{ {parameters} }} }}");
        Assert.Equal(new Shape(1, 1, height, width), graph.Outputs[0].Shape);
    }

    [Fact]
    public void UpsampleRefusesAMaskIndexOutsideItsOutput()
    {
        var e = Assert.Throws<CaffeNetException>(() => Run(Input("data", 1, 1, 1, 1) + Input("mask", 1, 1, 1, 1)
            + "layer { name: \"up\" type: \"Upsample\" bottom: \"data\" bottom: \"mask\" top: \"up\" }",
            ("data", T.Of([1, 1, 1, 1], 7)), ("mask", T.Of([1, 1, 1, 1], 4))));
        Assert.StartsWith("layer 'up' (type Upsample): mask index 4 is outside the 2x2 output", e.Message);
    }

    [Fact]
    public void SegNetBNInInferenceModeIsScaleAndShift()
    {
        // scale (2, −1), shift (1, 0.5): channel 0 (1, 2) → (3, 5); channel 1 (3, 4) → (−2.5, −3.5).
        var y = Run(Input("data", 1, 2, 1, 2)
            + $"layer {{ name: \"bn\" type: \"BN\" bottom: \"data\" top: \"data\" bn_param {{ bn_mode: INFERENCE }} {Blob(2, 2, -1)} {Blob(2, 1, 0.5f)} }}",
            ("data", T.Of([1, 2, 1, 2], 1, 2, 3, 4)))["data"];
        T.Close([3, 5, -2.5f, -3.5f], y);
    }

    [Fact]
    public void SegNetBNInLearnModeUsesTheBatchStatisticsInEveryPhase()
    {
        // Channel 0 over N = 2, 1x1: (1, 3) → mean 2, variance 1 → ±1, times 2 plus 1: (−1, 3).
        // Channel 1: (5, 5) → variance 0, eps 1e-9: 0, so the shift 0.5. Tops 2 and 3: mean and variance.
        var outputs = Run(Input("data", 2, 2, 1, 1)
            + $"layer {{ name: \"bn\" type: \"BN\" bottom: \"data\" top: \"y\" top: \"mean\" top: \"var\" {Blob(2, 2, 7)} {Blob(2, 1, 0.5f)} }}",
            ("data", T.Of([2, 2, 1, 1], 1, 5, 3, 5)));
        T.Close([-1, 0.5f, 3, 0.5f], outputs["y"]);
        T.Close([2, 5], outputs["mean"]);
        T.Close([1, 0], outputs["var"]);
    }

    [Fact]
    public void PspNetBNNormalisesWithItsStoredStatistics()
    {
        // slope 3, bias 1, mean 1, variance 3, eps 1: (5 − 1) / 2 * 3 + 1 = 7, (−1 − 1) / 2 * 3 + 1 = −2.
        var y = Run(Input("data", 1, 1, 1, 2)
            + $"layer {{ name: \"bn\" type: \"BN\" bottom: \"data\" top: \"y\" bn_param {{ eps: 1 frozen: true }} {Blob(1, 3)} {Blob(1, 1)} {Blob(1, 1)} {Blob(1, 3)} }}",
            ("data", T.Of([1, 1, 1, 2], 5, -1)))["y"];
        T.Close([7, -2], y);
        Assert.Contains("a layer cannot take both", Refused(Input("data", 1, 1, 1, 2)
            + "layer { name: \"bn\" type: \"BN\" bottom: \"data\" top: \"y\" bn_param { eps: 1 bn_mode: INFERENCE } }").Message);
    }

    [Fact]
    public void InterpResizesWithAlignedCorners()
    {
        // 2x2 (0 1; 2 3) zoomed by 2 → 3x3: the corners stay, the rest are averages.
        var zoom = Run(Input("data", 1, 1, 2, 2) + "layer { name: \"i\" type: \"Interp\" bottom: \"data\" top: \"i\" interp_param { zoom_factor: 2 } }",
            ("data", T.Iota([1, 1, 2, 2])))["i"];
        T.Close([0, 0.5f, 1, 1, 1.5f, 2, 2, 2.5f, 3], zoom);
        // 3x3 (0..8) to 5x5: the same grid OpenCV's Interp gives (checked with OpenCV 4.6).
        var resized = Run(Input("data", 1, 1, 3, 3) + "layer { name: \"i\" type: \"Interp\" bottom: \"data\" top: \"i\" interp_param { height: 5 width: 5 } }",
            ("data", T.Iota([1, 1, 3, 3])))["i"];
        T.Close([1.5f, 2, 2.5f, 3, 3.5f], resized.Span.Slice(5, 5));
        // 5x5 shrunk by 2 → 3x3, rows and columns 0, 2, 4.
        var shrunk = Run(Input("data", 1, 1, 5, 5) + "layer { name: \"i\" type: \"Interp\" bottom: \"data\" top: \"i\" interp_param { shrink_factor: 2 } }",
            ("data", T.Iota([1, 1, 5, 5])))["i"];
        T.Close([0, 2, 4, 10, 12, 14, 20, 22, 24], shrunk);
        // 4x4 (0..15) cropped by one pixel on each side (5 6; 9 10), then zoomed by 2.
        var cropped = Run(Input("data", 1, 1, 4, 4) + "layer { name: \"i\" type: \"Interp\" bottom: \"data\" top: \"i\" interp_param { zoom_factor: 2 pad_beg: -1 pad_end: -1 } }",
            ("data", T.Iota([1, 1, 4, 4])))["i"];
        T.Close([5, 5.5f, 6, 7, 7.5f, 8, 9, 9.5f, 10], cropped);
        Assert.Contains("pad_beg and pad_end must be <= 0",
            Refused(Input("data", 1, 1, 4, 4) + "layer { name: \"i\" type: \"Interp\" bottom: \"data\" top: \"i\" interp_param { zoom_factor: 2 pad_beg: 1 } }").Message);
    }

    [Theory]
    [InlineData(false, 7.25f)]
    [InlineData(true, 6.75f)]
    public void ContrastiveLoss(bool legacy, float expected)
    {
        // Pair 0 is similar at distance 5: 25. Pair 1 is dissimilar at distance 1, margin 3:
        // (3 − 1)² = 4, or legacy max(3 − 1², 0) = 2. Loss = sum / 2N.
        var loss = Run(Input("a", 2, 2) + Input("b", 2, 2) + Input("y", 2, 1)
            + $"layer {{ name: \"loss\" type: \"ContrastiveLoss\" bottom: \"a\" bottom: \"b\" bottom: \"y\" top: \"loss\" contrastive_loss_param {{ margin: 3 legacy_version: {(legacy ? "true" : "false")} }} }}",
            ("a", T.Of([2, 2], 0, 0, 0, 0)), ("b", T.Of([2, 2], 3, 4, 0.6f, 0.8f)), ("y", T.Of([2, 1], 1, 0)))["loss"];
        T.Close([expected], loss);
    }

    [Fact]
    public void DenseImageDataTopsTakeTheirSizeFromTheParametersOrFromEachOther()
    {
        const string layer = "layer { name: \"data\" type: \"DenseImageData\" top: \"data\" top: \"label\" dense_image_data_param { source: \"x.txt\" batch_size: 4 %s } }";
        var cropped = Graph(layer.Replace("%s", "new_height: 100 new_width: 120 crop_height: 64 crop_width: 32"));
        Assert.Equal([new Shape(4, 3, 64, 32), new Shape(4, 1, 64, 32)], cropped.Inputs.Select(i => i.Shape));
        var given = Graph(layer.Replace("%s", "is_color: false"),
            new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = new(2, 1, 36, 48) } });
        Assert.Equal([new Shape(2, 1, 36, 48), new Shape(2, 1, 36, 48)], given.Inputs.Select(i => i.Shape));
    }

    [Fact]
    public void APythonDataLayerIsAnInputOfTheGivenShapeAndOneInsideTheNetIsRefused()
    {
        const string data = "layer { name: \"data\" type: \"Python\" top: \"data\" top: \"label\" python_param { module: \"voc_layers\" layer: \"VOCSegDataLayer\" } }\n";
        Assert.Contains("give it with --input data=N,C,H,W", Refused(data).Message);
        var graph = Graph(data, new GraphOptions
        {
            InputShapes = new Dictionary<string, Shape> { ["data"] = new(1, 3, 8, 8), ["label"] = new(1, 1, 8, 8) },
        });
        Assert.Equal(["data", "label"], graph.Inputs.Select(i => i.Name));
        var inside = Graph(Input("x", 1, 2) + "layer { name: \"py\" type: \"Python\" bottom: \"x\" top: \"y\" python_param { module: \"m\" layer: \"L\" } }");
        var e = Assert.Throws<CaffeNetException>(() => Executor.Create(inside));
        Assert.StartsWith("layer 'py': a Python layer (m.L) with bottoms runs Python code inside the net", e.Message);
    }

    /// <summary>One 1x1 cell, two boxes of (tx, ty, tw, th, objectness, 2 class scores), channels box-major.</summary>
    static Tensor TwoYoloV2Boxes() => T.Of([1, 14, 1, 1],
        // box 0: centre (0.5, 0.5), w = e^0 * 1 = 1, h = e^ln2 * 0.5 = 1; σ(0) = 0.5; softmax(0, ln 3) = (0.25, 0.75).
        0, 0, 0, MathF.Log(2), 0, 0, MathF.Log(3),
        // box 1: w = 0.5, h = 2 * 0.25 = 0.5; σ(ln 3) = 0.75; softmax(ln 3, 0) = (0.75, 0.25).
        0, 0, 0, MathF.Log(2), MathF.Log(3), MathF.Log(3), 0);

    static string YoloV2(float confidence, float nms) =>
        Input("conv", 1, 14, 1, 1) + "layer { name: \"det\" type: \"YoloDetectionOutput\" bottom: \"conv\" top: \"det\" yolo_detection_output_param { "
        + $"num_classes: 2 num_box: 2 confidence_threshold: {confidence} nms_threshold: {nms} biases: 1 biases: 0.5 biases: 0.5 biases: 0.25 }} }}";

    [Fact]
    public void YoloDetectionOutputDecodesSortsAndSuppressesAcrossClasses()
    {
        // Box 1: class 0, 0.75 * 0.75 = 0.5625, corners 0.25..0.75. Box 0: class 1, 0.5 * 0.75 = 0.375, corners 0..1.
        // Their IoU is 0.25 / 1 = 0.25: both stay under NMS 0.45; under 0.2 box 0 goes, though its class differs.
        var both = Run(YoloV2(0.3f, 0.45f), ("conv", TwoYoloV2Boxes()))["det"];
        Assert.Equal([1, 1, 2, 7], both.Shape);
        T.Close([0, 1, 0.5625f, 0.25f, 0.25f, 0.75f, 0.75f, 0, 2, 0.375f, 0, 0, 1, 1], both);
        var one = Run(YoloV2(0.3f, 0.2f), ("conv", TwoYoloV2Boxes()))["det"];
        T.Close([0, 1, 0.5625f, 0.25f, 0.25f, 0.75f, 0.75f], one);
        // Nothing passes 0.6: one row per image, of −1 after the image index.
        var none = Run(YoloV2(0.6f, 0.45f), ("conv", TwoYoloV2Boxes()))["det"];
        T.Close([0, -1, -1, -1, -1, -1, -1], none);
    }

    [Fact]
    public void Yolov3DetectionOutputDecodesEachHeadWithItsAnchorsAndStride()
    {
        // Head 0: 1x1 at stride 32, anchor mask[0] = 1 (16 x 8 pixels): w = 16 / 32 = 0.5, h = e^ln2 * 8 / 32 = 0.5,
        // objectness 0.5, classes σ(0) = 0.5 → 0.25 and σ(ln 3) = 0.75 → 0.375.
        // Head 1: 2x1 (H x W) at stride 16, anchor mask[1] = 0 (4 x 4): the cell in row 1 has σ(ln 3) = 0.75
        // objectness and class 0 σ(ln 3): 0.5625 at centre (0.5, 1.5 / 2), w = 4 / 16, h = 4 / 32.
        var head0 = T.Of([1, 7, 1, 1], 0, 0, 0, MathF.Log(2), 0, 0, MathF.Log(3));
        var head1 = new Tensor([1, 7, 2, 1]);
        var values = new float[] { 0, 0, 0, 0, MathF.Log(3), MathF.Log(3), -10 };
        for (int k = 0; k < 7; k++)
        {
            head1.Span[k * 2] = -10;
            head1.Span[k * 2 + 1] = values[k];
        }
        const string net = """
            layer { name: "det" type: "Yolov3DetectionOutput" bottom: "h0" bottom: "h1" top: "det"
              yolov3_detection_output_param { num_classes: 2 num_box: 1 confidence_threshold: 0.3 nms_threshold: 0.45
                biases: 4 biases: 4 biases: 16 biases: 8 mask: 1 mask: 0 mask_group_num: 2 anchors_scale: 32 anchors_scale: 16 } }
            """;
        var det = Run(Input("h0", 1, 7, 1, 1) + Input("h1", 1, 7, 2, 1) + net, ("h0", head0), ("h1", head1))["det"];
        T.Close([
            0, 1, 0.5625f, 0.5f - 0.125f, 0.75f - 0.0625f, 0.5f + 0.125f, 0.75f + 0.0625f,
            0, 2, 0.375f, 0.25f, 0.25f, 0.75f, 0.75f,
        ], det);
    }
}
