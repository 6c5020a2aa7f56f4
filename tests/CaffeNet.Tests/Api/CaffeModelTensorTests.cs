using System.Numerics.Tensors;

namespace CaffeNet.Tests.Api;

/// <summary>Run on System.Numerics.Tensors' tensors and spans: the same values as the span overloads, shapes checked, strides honoured.</summary>
public class CaffeModelTensorTests
{
    // y = max(a + 2b, 0), values worked by hand (as CaffeModelRunTests).
    const string TwoInputs = """
        name: "two"
        layer { name: "a" type: "Input" top: "a" input_param { shape { dim: 1 dim: 5 } } }
        layer { name: "b" type: "Input" top: "b" input_param { shape { dim: 1 dim: 5 } } }
        layer { name: "sum" type: "Eltwise" bottom: "a" bottom: "b" top: "sum" eltwise_param { operation: SUM coeff: 1 coeff: 2 } }
        layer { name: "relu" type: "ReLU" bottom: "sum" top: "y" }
        """;

    const string Relu = """
        name: "relu"
        layer { name: "x" type: "Input" top: "x" input_param { shape { dim: 1 dim: 5 } } }
        layer { name: "relu" type: "ReLU" bottom: "x" top: "y" }
        """;

    [Fact]
    public void MobileNetV2OnATensorGivesTheSpanRunsValuesBitForBit()
    {
        using var model = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights, new CaffeModelOptions { Threads = 2, KeepBlobs = ["conv_1_1"] });
        var image = ApiModels.Random(3 * 224 * 224, seed: 11);
        float[] expected, expectedConv;
        using (var bySpan = model.Run(image))
        {
            expected = bySpan["loss"].ToArray();
            expectedConv = bySpan["conv_1_1"].ToArray();
        }
        Assert.True(expected.Max() > expected.Min());

        var tensor = Tensor.Create(image, [1, 3, 224, 224]);
        using (var byTensor = model.Run(tensor))
        {
            var loss = byTensor["loss"].AsReadOnlyTensorSpan();
            Assert.Equal([1, 1000, 1, 1], loss.Lengths.ToArray());
            var flat = new float[1000];
            loss.FlattenTo(flat);
            Assert.Equal(Bits(expected), Bits(flat));
            var conv = byTensor["conv_1_1"].ToTensor();
            Assert.Equal([1, 32, 112, 112], conv.Lengths.ToArray());
            Assert.Equal(Bits(expectedConv), Bits(Flatten(conv)));
        }

        // Into a caller-owned tensor, and its output as a copy that outlives the run.
        var output = Tensor.CreateFromShape<float>([1, 1000, 1, 1]);
        model.Run(tensor.AsReadOnlyTensorSpan(), output);
        Assert.Equal(Bits(expected), Bits(Flatten(output)));
    }

    [Fact]
    public void ATensorOfAnotherShapeIsRefusedNamingTheInputAndBothShapes()
    {
        using var model = ApiModels.FromText(Relu);
        var message = Assert.Throws<CaffeNetException>(() => model.Run(Tensor.Create(new float[5], [5]))).Message;
        Assert.Equal("input 'x' is 1x5; the tensor given is 5", message);
        message = Assert.Throws<CaffeNetException>(() => model.Run(Tensor.Create(new float[10], [2, 5]))).Message;
        Assert.Equal("input 'x' is 1x5; the tensor given is 2x5", message);
        // The same number of values in another layout is still another shape.
        Assert.Contains("the tensor given is 5x1", Assert.Throws<CaffeNetException>(() => model.Run(Tensor.Create(new float[5], [5, 1]))).Message);

        var wrongOut = Tensor.CreateFromShape<float>([5]);
        var error = Assert.Throws<ArgumentException>(() => model.Run(Tensor.Create(new float[5], [1, 5]), wrongOut));
        Assert.StartsWith("the tensor for 'y' is 5; the blob is 1x5", error.Message);

        using var two = ApiModels.FromText(TwoInputs);
        Assert.Contains("give them by name", Assert.Throws<CaffeNetException>(() => two.Run(Tensor.Create(new float[5], [1, 5]))).Message);
        Assert.Contains("input 'b' is 1x5; the tensor given is 1x4", Assert.Throws<CaffeNetException>(() => two.Run(new Dictionary<string, Tensor<float>>
        {
            ["a"] = Tensor.Create(new float[5], [1, 5]),
            ["b"] = Tensor.Create(new float[4], [1, 4]),
        })).Message);
        Assert.Contains("no input 'c'", Assert.Throws<CaffeNetException>(() => two.Run(new Dictionary<string, Tensor<float>>
        {
            ["c"] = Tensor.Create(new float[5], [1, 5]),
        })).Message);
    }

    [Fact]
    public void AStridedViewIsGatheredInRowMajorOrder()
    {
        using var model = ApiModels.FromText(Relu);
        // Column 1 of a 5x2 array, seen as 1x5: every other float, starting at index 1.
        float[] storage = [9, 1, 9, -2, 9, 3, 9, -4, 9, 5];
        var column = new ReadOnlyTensorSpan<float>(storage, 1, [1, 5], [0, 2]);
        Assert.False(column.IsDense);
        using (var result = model.Run(column))
            Assert.Equal([1f, 0, 3, 0, 5], result["y"].ToArray());

        // A transposed view: [[1, -2, 3], [-4, 5, -6]] stored column by column, read through its strides.
        using (var matrix = ApiModels.FromText(Relu.Replace("dim: 1 dim: 5", "dim: 2 dim: 3")))
        {
            var transposed = new ReadOnlyTensorSpan<float>([1f, -4, -2, 5, 3, -6], [2, 3], [1, 2]);
            Assert.False(transposed.IsDense);
            using var result = matrix.Run(transposed);
            Assert.Equal([1f, 0, 3, 0, 5, 0], result["y"].ToArray());
        }

        // A broadcast view (stride 0): one value read five times.
        var broadcast = new ReadOnlyTensorSpan<float>([7f], [1, 5], [0, 0]);
        using (var result = model.Run(broadcast))
            Assert.Equal([7f, 7, 7, 7, 7], result["y"].ToArray());
    }

    [Fact]
    public void OutputsAreWrittenIntoCallerTensorsEvenStridedOnes()
    {
        using var model = ApiModels.FromText(Relu);
        // Written into column 0 of a caller's 5x2 array; column 1 stays as it was.
        var storage = new float[10];
        Array.Fill(storage, 42f);
        var column = new TensorSpan<float>(storage, 0, [1, 5], [0, 2]);
        model.Run(Tensor.Create([1f, -5, 3, -5, 2], [1, 5]), column);
        Assert.Equal([1f, 42, 0, 42, 3, 42, 0, 42, 2, 42], storage);

        using var two = ApiModels.FromText(TwoInputs, new CaffeModelOptions { KeepBlobs = ["sum"] });
        var y = Tensor.CreateFromShape<float>([1, 5]);
        var sum = Tensor.CreateFromShape<float>([1, 5]);
        two.Run(new Dictionary<string, Tensor<float>>
            {
                ["b"] = Tensor.Create([0f, 1.5f, 0, 0.5f, 1], [1, 5]),
                ["a"] = Tensor.Create([1f, 2, 3, 4, -10], [1, 5]),
            },
            new Dictionary<string, Tensor<float>> { ["y"] = y, ["sum"] = sum });
        Assert.Equal([1f, 5, 3, 5, 0], Flatten(y));
        Assert.Equal([1f, 5, 3, 5, -8], Flatten(sum));
    }

    [Fact]
    public void ArraysStillBindToTheSpanOverloads()
    {
        // float[] converts to both ReadOnlySpan<float> and ReadOnlyTensorSpan<float>; the span
        // conversion is the better one, so array callers are not made ambiguous by the tensor overloads.
        using var model = ApiModels.FromText(Relu);
        var y = new float[5];
        model.Run(new float[] { 1, -5, 3, -5, 2 }, y);
        Assert.Equal([1f, 0, 3, 0, 2], y);
        using var result = model.Run(new float[] { -1, 1, -1, 1, -1 });
        Assert.Equal([0f, 1, 0, 1, 0], result.Output.ToArray());
    }

    [Fact]
    public void TheInPlaceViewEndsWithTheRunButTheTensorCopyDoesNot()
    {
        using var model = ApiModels.FromText(Relu);
        var result = model.Run(Tensor.Create([1f, -1, 2, -2, 3], [1, 5]));
        var output = result["y"];
        var copy = output.ToTensor();
        result.Dispose();
        Assert.Throws<ObjectDisposedException>(() => output.AsReadOnlyTensorSpan());
        Assert.Equal([1f, 0, 2, 0, 3], Flatten(copy));
        Assert.Equal([1, 5], copy.Lengths.ToArray());
    }

    static float[] Flatten(Tensor<float> tensor)
    {
        var values = new float[tensor.FlattenedLength];
        tensor.FlattenTo(values);
        return values;
    }

    static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];
}
