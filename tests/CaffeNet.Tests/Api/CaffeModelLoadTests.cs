using CaffeNet.Runtime;

namespace CaffeNet.Tests.Api;

/// <summary>Loading from paths and streams, the named inputs and outputs a model reports, and load-time errors.</summary>
public class CaffeModelLoadTests
{
    [Fact]
    public void APathAndAStreamLoadTheSameModel()
    {
        var input = ApiModels.Random(28 * 28, 1);
        var options = new CaffeModelOptions { Batch = 1 };
        using var fromPaths = CaffeModel.Load(ApiModels.LeNet, ApiModels.LeNetWeights, options);
        using var prototxt = File.OpenRead(ApiModels.LeNet);
        using var weights = File.OpenRead(ApiModels.LeNetWeights);
        using var fromStreams = CaffeModel.Load(prototxt, weights, options);
        using var a = fromPaths.Run(input);
        using var b = fromStreams.Run(input);
        Assert.Equal(a["prob"].ToArray(), b["prob"].ToArray());
        // The streams stay open: the caller owns them.
        Assert.True(prototxt.CanRead);
    }

    [Fact]
    public void InputsAndOutputsAreNamedWithTheirShapes()
    {
        using var model = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights);
        Assert.Equal("MobileNet-v2", model.Name);
        Assert.Equal([new TensorInfo("data", new Shape(1, 3, 224, 224))], model.Inputs);
        Assert.Equal([new TensorInfo("loss", new Shape(1, 1000, 1, 1))], model.Outputs);
        Assert.Empty(model.Kept);
        Assert.True(model.IsFused);
    }

    [Fact]
    public void BatchAndInputShapesApplyAtLoad()
    {
        using var batched = CaffeModel.Load(ApiModels.LeNet, ApiModels.LeNetWeights, new CaffeModelOptions { Batch = 3 });
        Assert.Equal(new Shape(3, 1, 28, 28), batched.Inputs[0].Shape);
        Assert.Equal(new Shape(3, 10), batched.Outputs[0].Shape);
        using var shaped = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights,
            new CaffeModelOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = new(2, 3, 160, 160) } });
        Assert.Equal(new Shape(2, 3, 160, 160), shaped.Inputs[0].Shape);
        Assert.Equal(new Shape(2, 1000, 1, 1), shaped.Outputs[0].Shape);
    }

    [Fact]
    public void MissingWeightsAreRefusedUnlessFillingIsAskedFor()
    {
        var e = Assert.Throws<MissingWeightsException>(() => CaffeModel.Load(ApiModels.LeNet));
        Assert.Contains("conv1", e.Message);
        var warnings = new List<string>();
        using var filled = CaffeModel.Load(ApiModels.LeNet, options: new CaffeModelOptions { FillMissingWeights = true, Batch = 1, Warning = warnings.Add });
        Assert.Equal(4, warnings.Count); // conv1, conv2, ip1, ip2
        using var result = filled.Run(new float[28 * 28]);
        // Softmax over 10 classes sums to 1 whatever the weights.
        Assert.Equal(1f, result["prob"].ToArray().Sum(), 5);
    }

    [Fact]
    public void AStrictPrototxtErrorNamesTheLineAndColumn()
    {
        var e = Assert.ThrowsAny<CaffeNetException>(() => ApiModels.FromText("name: \"x\"\nlayr { name: \"a\" }\n"));
        Assert.Contains("prototxt stream:2:1", e.Message);
    }

    [Fact]
    public void MaxMemoryRefusesAModelThatDoesNotFit()
    {
        var e = Assert.ThrowsAny<CaffeNetException>(() =>
            CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { MaxMemory = 1 << 20 }));
        Assert.Contains("needs", e.Message);
    }

    [Fact]
    public void ACustomLayerRegistryIsUsedForParsingAndRunning()
    {
        // Cube (the custom layer tests' own) multiplies by cube_param.scale, read from the prototxt.
        var layers = new LayerRegistry().Add(() => new CustomLayers.CubeLayer());
        using var model = ApiModels.FromText("""
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 3 } } }
            layer { name: "cube" type: "Cube" bottom: "data" top: "cube" cube_param { scale: 2 with_shift: false } }
            """, new CaffeModelOptions { Registry = layers });
        using var result = model.Run([1f, -2f, 0.5f]);
        Assert.Equal([2f, -16f, 0.25f], result["cube"].ToArray());
    }
}
