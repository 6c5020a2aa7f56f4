namespace CaffeNet.Tests.Api;

/// <summary>The Run overloads: a span for one input, named inputs, caller-owned outputs, and the output helpers.</summary>
public class CaffeModelRunTests
{
    // Two inputs, added and clipped below at 0: y = max(a + 2b, 0), values worked by hand.
    const string TwoInputs = """
        name: "two"
        layer { name: "a" type: "Input" top: "a" input_param { shape { dim: 1 dim: 5 } } }
        layer { name: "b" type: "Input" top: "b" input_param { shape { dim: 1 dim: 5 } } }
        layer { name: "sum" type: "Eltwise" bottom: "a" bottom: "b" top: "sum" eltwise_param { operation: SUM coeff: 1 coeff: 2 } }
        layer { name: "relu" type: "ReLU" bottom: "sum" top: "y" }
        """;

    static readonly float[] A = [1, 2, 3, 4, -10];
    static readonly float[] B = [0, 1.5f, 0, 0.5f, 1];
    static readonly float[] Y = [1, 5, 3, 5, 0];

    [Fact]
    public void NamedInputsGiveTheHandWorkedValuesWhateverTheirOrder()
    {
        using var model = ApiModels.FromText(TwoInputs);
        Assert.Equal(["a", "b"], model.Inputs.Select(i => i.Name));
        using (var result = model.Run(new ModelInput("b", B), new ModelInput("a", A)))
            Assert.Equal(Y, result["y"].ToArray());
        using (var result = model.Run(new Dictionary<string, ReadOnlyMemory<float>> { ["a"] = A, ["b"] = B }))
        {
            Assert.Equal(Y, result.Output.ToArray());
            Assert.Equal(new Shape(1, 5), result["y"].Shape);
            Assert.Same(result.Output, result.Outputs.Single());
        }
    }

    [Fact]
    public void InputMistakesAreOneClearError()
    {
        using var model = ApiModels.FromText(TwoInputs);
        Assert.Contains("no input 'c'", Assert.Throws<CaffeNetException>(() => model.Run(new ModelInput("c", A), new ModelInput("b", B))).Message);
        Assert.Contains("no value given for input 'b", Assert.Throws<CaffeNetException>(() => model.Run(new ModelInput("a", A))).Message);
        Assert.Contains("given twice", Assert.Throws<CaffeNetException>(() => model.Run(new ModelInput("a", A), new ModelInput("a", A))).Message);
        Assert.Contains("give them by name", Assert.Throws<CaffeNetException>(() => model.Run(A)).Message);
        Assert.Contains("takes 5 values", Assert.Throws<CaffeNetException>(() => model.Run(new ModelInput("a", A[..4]), new ModelInput("b", B))).Message);
        using var result = model.Run(new ModelInput("a", A), new ModelInput("b", B));
        Assert.Contains("KeepBlobs", Assert.Throws<KeyNotFoundException>(() => result["sum"]).Message);
    }

    [Fact]
    public void OutputsAreWrittenIntoCallerBuffers()
    {
        using var model = ApiModels.FromText(TwoInputs, new CaffeModelOptions { KeepBlobs = ["sum"] });
        var y = new float[5];
        var sum = new float[5];
        model.Run(new Dictionary<string, ReadOnlyMemory<float>> { ["a"] = A, ["b"] = B },
            new Dictionary<string, Memory<float>> { ["y"] = y, ["sum"] = sum });
        Assert.Equal(Y, y);
        Assert.Equal([1, 5, 3, 5, -8], sum);
        Assert.Throws<ArgumentException>(() => model.Run(new Dictionary<string, ReadOnlyMemory<float>> { ["a"] = A, ["b"] = B },
            new Dictionary<string, Memory<float>> { ["y"] = new float[4] }));
    }

    [Fact]
    public void ASingleInputSingleOutputNetRunsSpanToSpan()
    {
        using var model = ApiModels.FromText("""
            layer { name: "x" type: "Input" top: "x" input_param { shape { dim: 1 dim: 5 } } }
            layer { name: "relu" type: "ReLU" bottom: "x" top: "x" }
            """);
        Span<float> y = stackalloc float[5];
        model.Run([1f, 5, 3, 5, -2], y);
        Assert.Equal([1f, 5, 3, 5, 0], y.ToArray());
    }

    [Fact]
    public void TopKAndArgMaxRankPerImage()
    {
        using var model = ApiModels.FromText("""
            layer { name: "x" type: "Input" top: "x" input_param { shape { dim: 2 dim: 5 } } }
            layer { name: "relu" type: "ReLU" bottom: "x" top: "x" }
            """);
        using var result = model.Run([1f, 5, 3, 5, -2, /* image 1: */ 0.5f, -1, 7, 2, 2]);
        var x = result["x"];
        // Image 0 after ReLU: 1 5 3 5 0; ties keep position order.
        Assert.Equal([new ClassScore(1, 5), new ClassScore(3, 5), new ClassScore(2, 3)], x.TopK(3));
        Assert.Equal(1, x.ArgMax());
        Assert.Equal([new ClassScore(2, 7), new ClassScore(3, 2)], x.TopK(2, image: 1));
        Assert.Equal(2, x.ArgMax(1));
        Assert.Equal(5, x.TopK(10).Count);
        Assert.Empty(x.TopK(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.ArgMax(2));
    }
}
