using CaffeNet.Graph;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime.Layers;

public class DetectionOutputTests
{
    // Three priors, three classes (0 the background), a batch of two images. Priors P0 = (0.1, 0.1,
    // 0.3, 0.3), P1 = (0.12, 0.1, 0.32, 0.3), P2 = (0.6, 0.6, 0.8, 0.9), variances 0.1 0.1 0.2 0.2.
    // Image 0's location codes (CENTER_SIZE) are zero but for P0's width code 5 ln 2, which makes
    // P0's box exp(0.2 x 5 ln 2) = 2 times as wide, (0, 0.1, 0.4, 0.3), and P2's x code 1, which
    // moves its centre by 0.1 x 1 x 0.2, to (0.62, 0.6, 0.82, 0.9). P0's box and P1 overlap by
    // 0.04 / (0.08 + 0.04 - 0.04) = 0.5, P2 overlaps neither.
    // Image 0's confidences: P0 (0.1, 0.7, 0.2), P1 (0.1, 0.6, 0.3), P2 (0.5, 0.05, 0.45). Above the
    // 0.1 threshold: class 1 has P0 0.7 and P1 0.6, and NMS at 0.45 drops P1 (overlap 0.5); class 2
    // has P2 0.45, P1 0.3, P0 0.2, and drops P0 (overlap 0.5 with P1). Image 1's confidences are all 0.1 or less.
    static readonly float LnTwoCode = 5 * MathF.Log(2);

    static readonly Tensor Loc = T.Of([2, 12],
        0, 0, LnTwoCode, 0, 0, 0, 0, 0, 1, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    static readonly Tensor Conf = T.Of([2, 9],
        0.1f, 0.7f, 0.2f, 0.1f, 0.6f, 0.3f, 0.5f, 0.05f, 0.45f,
        0.8f, 0.1f, 0.1f, 0.8f, 0.1f, 0.1f, 0.9f, 0.05f, 0.05f);

    static readonly Tensor Priors = T.Of([1, 2, 12],
        0.1f, 0.1f, 0.3f, 0.3f, 0.12f, 0.1f, 0.32f, 0.3f, 0.6f, 0.6f, 0.8f, 0.9f,
        0.1f, 0.1f, 0.2f, 0.2f, 0.1f, 0.1f, 0.2f, 0.2f, 0.1f, 0.1f, 0.2f, 0.2f);

    static string Net(string parameters, string nms = "") =>
        SsdNets.Input("loc", 2, 12) + SsdNets.Input("conf", 2, 9) + SsdNets.Input("prior", 1, 2, 12) +
        "layer { name: \"det\" type: \"DetectionOutput\" bottom: \"loc\" bottom: \"conf\" bottom: \"prior\" top: \"det\"\n" +
        $"  detection_output_param {{ num_classes: 3 background_label_id: 0 code_type: CENTER_SIZE nms_param {{ nms_threshold: 0.45 {nms} }} {parameters} }} }}";

    static Tensor Run(string parameters, string nms = "") =>
        SsdNets.Run(Net(parameters, nms), ("loc", Loc), ("conf", Conf), ("prior", Priors))["det"];

    [Fact]
    public void RowsPerImageThenLabelBestFirst()
    {
        var det = Run("confidence_threshold: 0.1");
        Assert.Equal([1, 1, 3, 7], det.Shape);
        T.Close([
            0, 1, 0.7f, 0, 0.1f, 0.4f, 0.3f,
            0, 2, 0.45f, 0.62f, 0.6f, 0.82f, 0.9f,
            0, 2, 0.3f, 0.12f, 0.1f, 0.32f, 0.3f,
        ], det);
    }

    [Fact]
    public void KeepTopKKeepsTheBestOverAllClasses()
    {
        var det = Run("confidence_threshold: 0.1 keep_top_k: 2");
        Assert.Equal([1, 1, 2, 7], det.Shape);
        Assert.Equal([(0, 1, 0.7f), (0, 2, 0.45f)], Detection.Read(det).Select(d => (d.Image, d.Label, d.Score)));
    }

    [Fact]
    public void TopKLimitsTheCandidatesBeforeSuppression()
    {
        // Class 2 keeps only its best candidate, P2; class 1 is unchanged.
        var rows = Detection.Read(Run("confidence_threshold: 0.1", nms: "top_k: 1"));
        Assert.Equal([(1, 0.7f), (2, 0.45f)], rows.Select(d => (d.Label, d.Score)));
    }

    [Fact]
    public void WithoutAThresholdEveryScoreCounts()
    {
        // Image 0 gains P2 0.05 in class 1. Image 1 (codes zero, so P0 and P1 overlap by 0.82) has in
        // each class P0 0.1 (P1 0.1 suppressed) and P2 0.05.
        var rows = Detection.Read(Run(""));
        Assert.Equal(4 + 4, rows.Count);
        Assert.Equal([(1, 0.1f), (1, 0.05f), (2, 0.1f), (2, 0.05f)], rows.Where(d => d.Image == 1).Select(d => (d.Label, d.Score)));
    }

    [Fact]
    public void NoDetectionGivesOnePlaceholderRowPerImage()
    {
        var det = Run("confidence_threshold: 0.95");
        T.Close([0, -1, -1, -1, -1, -1, -1, 1, -1, -1, -1, -1, -1, -1], det);
        Assert.Empty(Detection.Read(det));
    }

    [Fact]
    public void ThePlanHoldsTheMostRowsTheLayerCanKeep()
    {
        // Per image 2 classes x 3 priors; keep_top_k caps that; a batch of two.
        Assert.Equal(new Shape(1, 1, 12, 7), SsdNets.Build(Net("")).Outputs.Single().Shape);
        Assert.Equal(new Shape(1, 1, 8, 7), SsdNets.Build(Net("keep_top_k: 4")).Outputs.Single().Shape);
        Assert.Equal(new Shape(1, 1, 4, 7), SsdNets.Build(Net("", nms: "top_k: 1")).Outputs.Single().Shape);
    }

    [Fact]
    public void TheAllocationFreeForwardPadsWithMinusOne()
    {
        using var executor = Executor.Create(SsdNets.Build(Net("confidence_threshold: 0.1 keep_top_k: 4")));
        var output = new Tensor([1, 1, 8, 7]);
        executor.Forward([Loc, Conf, Priors], [output]);
        Assert.Equal(3, Detection.Read(output).Count);
        Assert.All(output.Span[21..].ToArray(), v => Assert.Equal(-1f, v));
    }

    [Fact]
    public void CornerCodesAddScaledOffsets()
    {
        // CORNER: each corner plus variance x code, no exponent: P2 with x code 1 gets xmin 0.6 + 0.1,
        // P0's xmax grows by 0.2 x 5 ln 2.
        var det = SsdNets.Run(Net("confidence_threshold: 0.4").Replace("CENTER_SIZE", "CORNER"), ("loc", Loc), ("conf", Conf), ("prior", Priors))["det"];
        var rows = Detection.Read(det);
        Assert.Equal(0.7f, rows.Single(d => d.Label == 2).Box.XMin, 6);
        Assert.Equal(new DetectionBox(0.1f, 0.1f, 0.3f + 0.2f * LnTwoCode, 0.3f), rows.First(d => d.Label == 1).Box);
    }

    [Fact]
    public void LocationsThatDoNotMatchThePriorsAreRefused()
    {
        var text = Net("").Replace("input_param { shape { dim: 2 dim: 12 } }", "input_param { shape { dim: 2 dim: 16 } }");
        var e = Assert.Throws<CaffeNetException>(() => SsdNets.Build(text));
        Assert.Contains("do not hold 3 priors x 1 x 4 values per image", e.Message);
    }
}
