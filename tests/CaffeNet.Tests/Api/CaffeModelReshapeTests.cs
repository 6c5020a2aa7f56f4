namespace CaffeNet.Tests.Api;

/// <summary>Changing the batch or resolution of a loaded model, without reloading it.</summary>
public class CaffeModelReshapeTests
{
    [Fact]
    public void ABatchOfFourEqualsFourSingleRuns()
    {
        using var model = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { Threads = 2, KeepBlobs = ["pool9"] });
        const int image = 3 * 224 * 224;
        var images = Enumerable.Range(0, 4).Select(i => ApiModels.Random(image, 20 + i)).ToArray();
        var singles = images.Select(x =>
        {
            using var r = model.Run(x);
            return (Loss: r["loss"].ToArray(), Pool: r["pool9"].ToArray());
        }).ToArray();

        model.Reshape(batch: 4);

        Assert.Equal(new Shape(4, 3, 224, 224), model.Inputs[0].Shape);
        Assert.Equal(new Shape(4, 1000, 1, 1), model.Outputs[0].Shape);
        Assert.Equal(new Shape(4, 1280, 1, 1), model.Kept[0].Shape);
        using var batch = model.Run(images.SelectMany(x => x).ToArray());
        for (int i = 0; i < 4; i++)
        {
            Assert.True(ApiModels.RelativeError(batch["loss"].Image(i), singles[i].Loss) < 1e-5, $"image {i}");
            Assert.True(ApiModels.RelativeError(batch["pool9"].Image(i), singles[i].Pool) < 1e-5, $"image {i}");
            Assert.Equal(singles[i].Loss.AsSpan().IndexOf(singles[i].Loss.Max()), batch["loss"].ArgMax(i));
        }
    }

    [Fact]
    public void AnotherResolutionKeepsTheWeights()
    {
        using var model = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { Threads = 1 });
        model.Reshape("data", new Shape(1, 3, 160, 160));
        Assert.Equal(new Shape(1, 3, 160, 160), model.Inputs[0].Shape);
        Assert.Equal(new Shape(1, 1280, 5, 5), model.Layers.Single(n => n.Name == "conv9").Outputs[0].Shape);
        using var result = model.Run(ApiModels.Random(3 * 160 * 160, 5));
        Assert.Equal(1f, result.Output.ToArray().Sum(), 3); // a softmax over 1000 classes
    }

    [Fact]
    public void AShapeTheWeightsCannotTakeIsRefusedAndTheModelKeepsItsShape()
    {
        using var model = CaffeModel.Load(ApiModels.LeNet, ApiModels.LeNetWeights, new CaffeModelOptions { Batch = 1 });
        // ip1's weights are 500 x 800: an image of another size would need others.
        var e = Assert.Throws<CaffeNetException>(() => model.Reshape("data", new Shape(1, 1, 32, 32)));
        Assert.Contains("ip1", e.Message);
        Assert.Contains("no input 'image'", Assert.Throws<CaffeNetException>(() => model.Reshape("image", new Shape(1, 1, 28, 28))).Message);
        Assert.Equal(new Shape(1, 1, 28, 28), model.Inputs[0].Shape);
        using var result = model.Run(new float[28 * 28]);
        Assert.Equal(new Shape(1, 10), result.Output.Shape);
    }

    [Fact]
    public void ARunStartedBeforeAReshapeKeepsItsShapeAndValues()
    {
        using var model = CaffeModel.Load(ApiModels.LeNet, ApiModels.LeNetWeights, new CaffeModelOptions { Batch = 1 });
        var x = ApiModels.Random(28 * 28, 9);
        using var before = model.Run(x);
        var expected = before.Output.ToArray();
        model.Reshape(batch: 2);
        using var after = model.Run([.. x, .. x]);
        Assert.Equal(expected, before.Output.ToArray());
        Assert.True(ApiModels.RelativeError(after.Output.Image(1), expected) < 1e-5);
    }
}
