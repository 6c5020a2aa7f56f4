namespace CaffeNet.Tests.Api;

/// <summary>Blobs asked for at load stay observable on the fast path, with the reference path's values.</summary>
public class CaffeModelKeptBlobTests
{
    static readonly string[] Keep = ["bn_1_1", "conv_1_1", "conv_3_2_linear", "add_3_2"];

    [Fact]
    public void KeptBlobsOnTheFastPathEqualTheReferencePath()
    {
        var input = ApiModels.Random(3 * 224 * 224, 3);
        using var fast = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { KeepBlobs = Keep, Threads = 2 });
        using var reference = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { KeepBlobs = Keep, Reference = true });
        using var a = fast.Run(input);
        using var b = reference.Run(input);
        // bn_1_1 (a layer name: its in-place output, after the BatchNorm and before the Scale) is kept,
        // so the first convolution is not fused and computes exactly as the reference does.
        Assert.Equal(b["bn_1_1"].ToArray(), a["bn_1_1"].ToArray());
        Assert.Equal(new Shape(1, 32, 112, 112), a["bn_1_1"].Shape);
        // conv_1_1 is the blob's final value (after ReLU), as pycaffe's net.blobs shows it.
        Assert.Equal(b["conv_1_1"].ToArray(), a["conv_1_1"].ToArray());
        Assert.All(a["conv_1_1"].ToArray(), v => Assert.True(v >= 0));
        Assert.NotEqual(a["bn_1_1"].ToArray(), a["conv_1_1"].ToArray());
        // conv_3_2_linear would be folded into the residual sum add_3_2; kept, it is written.
        foreach (var name in new[] { "conv_3_2_linear", "add_3_2", "loss" })
            Assert.True(ApiModels.RelativeError(a[name].Span, b[name].Span) < 1e-4, name);
        Assert.Equal(Keep, fast.Kept.Select(k => k.Name));
    }

    [Fact]
    public void OnlyTheFusionsThatWouldFoldAKeptBlobAreGivenUp()
    {
        using var plain = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { Threads = 1 });
        using var keeping = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { Threads = 1, KeepBlobs = Keep });
        Assert.Contains("bn_1_1", plain.FoldedLayers);
        Assert.Contains("add_3_2", plain.FoldedLayers);
        Assert.DoesNotContain("bn_1_1", keeping.FoldedLayers);
        Assert.DoesNotContain("scale_1_1", keeping.FoldedLayers);
        Assert.DoesNotContain("add_3_2", keeping.FoldedLayers);
        // Elsewhere the fast path is unchanged: the second block still folds.
        Assert.Contains("bn_2_1_pw", keeping.FoldedLayers);
        Assert.Equal(plain.FoldedLayers.Count - 6, keeping.FoldedLayers.Count); // bn, scale, relu of conv_1_1; bn, scale, add of conv_3_2_linear
    }

    [Fact]
    public void AnUnknownNameIsRefusedAtLoad()
    {
        var e = Assert.Throws<CaffeNetException>(() =>
            CaffeModel.Load(ApiModels.LeNet, ApiModels.LeNetWeights, new CaffeModelOptions { KeepBlobs = ["nope"] }));
        Assert.Contains("no blob or layer 'nope'", e.Message);
    }
}
