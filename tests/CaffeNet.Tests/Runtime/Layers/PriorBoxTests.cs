using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime.Layers;

public class PriorBoxTests
{
    // A 2x2 feature map over a 100x100 image: the step is 100 / 2 = 50, so cell (h, w) is centred
    // at ((w + 0.5) x 50, (h + 0.5) x 50). Per cell: the 20x20 min box, the sqrt(20 x 40) = 28.284
    // max box, then ratio 2 (28.284 x 14.142) and its flip 1/2 (14.142 x 28.284): 4 priors.
    const string Net = """
        layer { name: "map" type: "Input" top: "map" input_param { shape { dim: 1 dim: 8 dim: 2 dim: 2 } } }
        layer { name: "image" type: "Input" top: "image" input_param { shape { dim: 1 dim: 3 dim: 100 dim: 100 } } }
        layer {
          name: "prior" type: "PriorBox" bottom: "map" bottom: "image" top: "prior"
          prior_box_param { min_size: 20 max_size: 40 aspect_ratio: 2 flip: true variance: 0.1 variance: 0.1 variance: 0.2 variance: 0.2 CLIP }
        }
        """;

    static IReadOnlyDictionary<string, Tensor> Run(string clip) =>
        SsdNets.Run(Net.Replace("CLIP", clip), ("map", new Tensor([1, 8, 2, 2])), ("image", new Tensor([1, 3, 100, 100])));

    [Fact]
    public void BoxesOfTheFirstCellsAndTheirVariances()
    {
        var prior = Run("")["prior"];
        Assert.Equal([1, 2, 2 * 2 * 4 * 4], prior.Shape);
        var boxes = prior.Span;
        T.Close([
            0.15f, 0.15f, 0.35f, 0.35f, // min: 25 -+ 10
            0.1085786f, 0.1085786f, 0.3914214f, 0.3914214f, // max: 25 -+ 14.142
            0.1085786f, 0.1792893f, 0.3914214f, 0.3207107f, // ratio 2: x 25 -+ 14.142, y 25 -+ 7.071
            0.1792893f, 0.1085786f, 0.3207107f, 0.3914214f, // ratio 1/2
            0.65f, 0.15f, 0.85f, 0.35f, // cell (0, 1), centre (75, 25): min box
        ], boxes[..20]);
        // The last cell, (1, 1), centred at (75, 75): its ratio-1/2 box.
        T.Close([0.6792893f, 0.6085786f, 0.8207107f, 0.8914214f], boxes[60..64]);
        var variances = boxes[64..];
        for (int i = 0; i < variances.Length; i++)
            Assert.Equal(i % 4 < 2 ? 0.1f : 0.2f, variances[i]);
    }

    [Fact]
    public void ClipKeepsCornersInsideTheImage()
    {
        // With min_size 120 every box overflows: cell (0, 0)'s min box is 25 -+ 60 -> clipped to [0, 0.85].
        var prior = SsdNets.Run(Net.Replace("min_size: 20 max_size: 40", "min_size: 120").Replace("CLIP", "clip: true"),
            ("map", new Tensor([1, 8, 2, 2])), ("image", new Tensor([1, 3, 100, 100])))["prior"];
        Assert.Equal([1, 2, 2 * 2 * 3 * 4], prior.Shape);
        T.Close([0, 0, 0.85f, 0.85f], prior.Span[..4]);
        Assert.All(prior.ToArray(), v => Assert.InRange(v, 0, 1));
    }

    [Fact]
    public void StepOffsetAndImageSizeFromTheParameters()
    {
        // img_size 200 and step 64 (not 100 / 2), offset 0: cell (0, 1) is centred at (64, 0); one
        // variance value for all four coordinates.
        var text = Net.Replace("max_size: 40 aspect_ratio: 2 flip: true variance: 0.1 variance: 0.1 variance: 0.2 variance: 0.2 CLIP",
            "variance: 0.5 img_size: 200 step: 64 offset: 0");
        var prior = SsdNets.Run(text, ("map", new Tensor([1, 8, 2, 2])), ("image", new Tensor([1, 3, 100, 100])))["prior"];
        Assert.Equal([1, 2, 16], prior.Shape);
        T.Close([-0.05f, -0.05f, 0.05f, 0.05f, 0.27f, -0.05f, 0.37f, 0.05f], prior.Span[..8]);
        Assert.All(prior.Span[16..].ToArray(), v => Assert.Equal(0.5f, v));
    }

    [Theory]
    [InlineData("min_size: 20 max_size: 10", "max_size 10 must be greater than min_size 20")]
    [InlineData("min_size: 20 max_size: 30 max_size: 40", "gives 2 max_size for 1 min_size")]
    [InlineData("aspect_ratio: 2", "needs at least one min_size")]
    [InlineData("min_size: 20 variance: 0.1 variance: 0.2", "gives 2 variance values")]
    [InlineData("min_size: 20 img_size: 100 img_h: 100 img_w: 100", "give img_size or img_h and img_w, not both")]
    public void TheForksSetupChecks(string parameters, string message)
    {
        var text = SsdNets.Input("map", 1, 8, 2, 2) + SsdNets.Input("image", 1, 3, 100, 100) +
            $"layer {{ name: \"prior\" type: \"PriorBox\" bottom: \"map\" bottom: \"image\" top: \"prior\" prior_box_param {{ {parameters} }} }}";
        var e = Assert.Throws<CaffeNetException>(() => SsdNets.Build(text));
        Assert.Contains(message, e.Message);
    }
}
