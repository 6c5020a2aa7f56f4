using System.Text.Json;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Tests.Cli;

/// <summary>`caffenet run` and `caffenet init` as a user runs them, on small nets worked by hand.</summary>
public class RunCommandTests
{
    /// <summary>
    /// y = 2x + 1, ReLU in place on y, y sliced into a (first column) and b (the other two),
    /// softmax of b. Layer names with '/' and ' ' test the file naming.
    /// </summary>
    const string SmallNet = """
        name: "small"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 3 } } }
        layer { name: "scale/1" type: "Power" bottom: "data" top: "y" power_param { scale: 2 shift: 1 } }
        layer { name: "relu" type: "ReLU" bottom: "y" top: "y" }
        layer { name: "split it" type: "Slice" bottom: "y" top: "a" top: "b" slice_param { axis: 1 slice_point: 1 } }
        layer { name: "prob" type: "Softmax" bottom: "b" top: "prob" }
        """;

    const string BatchNormNet = """
        name: "bn"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 2 dim: 2 } } }
        layer { name: "bn" type: "BatchNorm" bottom: "data" top: "out" }
        """;

    static string Write(TempDir dir, string name, string text)
    {
        var path = dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    static string WriteNpy(TempDir dir, string name, int[] shape, float[] values)
    {
        var path = dir.File(name);
        NpyFile.Write(path, new Tensor(new TensorShape(shape), values));
        return path;
    }

    /// <summary>[[-1, 0, 1], [2, -3, 0.5]]: y = [[-1, 1, 3], [5, -5, 2]], after ReLU [[0, 1, 3], [5, 0, 2]].</summary>
    static string Input(TempDir dir) => WriteNpy(dir, "x.npy", [2, 3], [-1, 0, 1, 2, -3, 0.5f]);

    static void AssertOneLineError(CliRunner.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.Contains(expected, lines[0]);
    }

    [Fact]
    public void RunWritesOutputsAndPrintsSummaries()
    {
        using var dir = new TempDir();
        var net = Write(dir, "small.prototxt", SmallNet);
        var r = CliRunner.Run("run", net, "--input", "data=" + Input(dir), "--output", dir.File("out"));
        Assert.True(r.ExitCode == 0, r.Stderr);

        Assert.Equal([0f, 5f], NpyFile.Read(dir.File("out/a.npy")).ToArray());
        var prob = NpyFile.Read(dir.File("out/prob.npy"));
        Assert.Equal(new TensorShape(2, 2), prob.Shape);
        // b = [[1, 3], [0, 2]]: both rows differ by 2, so softmax gives 1/(1+e^2) and e^2/(1+e^2).
        double low = 1 / (1 + Math.Exp(2));
        Assert.Equal([low, 1 - low, low, 1 - low], prob.ToArray().Select(v => (double)v), new ToleranceComparer(1e-6));

        Assert.Contains("a: shape 2x1  min 0  max 5  mean 2.5", r.Stdout);
        Assert.Contains("prob: shape 2x2  min 0.119203  max 0.880797  mean 0.5", r.Stdout);
        Assert.Contains("  [0] top-5: 1 (0.8808) 0 (0.1192)", r.Stdout);
        Assert.Contains("  [1] top-5: 1 (0.8808) 0 (0.1192)", r.Stdout);
    }

    [Fact]
    public void JsonHasEveryOutputWorkedByHand()
    {
        using var dir = new TempDir();
        var net = Write(dir, "small.prototxt", SmallNet);
        var r = CliRunner.Run("run", net, "--input", "data=" + Input(dir), "--threads", "1", "--json", "--output", dir.File("out"));
        Assert.True(r.ExitCode == 0, r.Stderr);

        // Standard output is the one JSON object on one line, and nothing else.
        Assert.Single(r.Stdout.TrimEnd('\n').Split('\n'));
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(net, root.GetProperty("model").GetString());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        Assert.True(root.GetProperty("forward_ms").GetDouble() > 0);
        var outputs = root.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!);
        Assert.Equal(["a", "prob"], outputs.Keys.Order());

        // a = the first column of ReLU(2x + 1) = [[0], [5]].
        var a = outputs["a"];
        Assert.Equal([2, 1], a.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal((0.0, 5.0, 2.5), (a.GetProperty("min").GetDouble(), a.GetProperty("max").GetDouble(), a.GetProperty("mean").GetDouble()));
        Assert.Equal(JsonValueKind.Null, a.GetProperty("top5").ValueKind);

        // prob = softmax of [[1, 3], [0, 2]]: each row is 1/(1+e^2), e^2/(1+e^2), so class 1 comes first.
        double low = 1 / (1 + Math.Exp(2));
        var prob = outputs["prob"];
        Assert.Equal([2, 2], prob.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        Assert.Equal(low, prob.GetProperty("min").GetDouble(), 1e-6);
        Assert.Equal(1 - low, prob.GetProperty("max").GetDouble(), 1e-6);
        Assert.Equal(0.5, prob.GetProperty("mean").GetDouble(), 1e-6);
        var top5 = prob.GetProperty("top5").EnumerateArray().ToArray();
        Assert.Equal(2, top5.Length);
        foreach (var sample in top5)
        {
            var classes = sample.EnumerateArray().Select(t => (t.GetProperty("class").GetInt32(), t.GetProperty("score").GetDouble())).ToArray();
            Assert.Equal([1, 0], classes.Select(c => c.Item1));
            Assert.Equal(1 - low, classes[0].Item2, 1e-6);
            Assert.Equal(low, classes[1].Item2, 1e-6);
        }
        Assert.Equal([0f, 5f], NpyFile.Read(dir.File("out/a.npy")).ToArray());
    }

    [Fact]
    public void DumpAllWritesEveryLayersOwnOutputAndAnIndex()
    {
        using var dir = new TempDir();
        var net = Write(dir, "small.prototxt", SmallNet);
        var dump = dir.File("dump");
        var r = CliRunner.Run("run", net, "--input", "data=" + Input(dir), "--dump-all", dump);
        Assert.True(r.ExitCode == 0, r.Stderr);

        var index = JsonDocument.Parse(File.ReadAllText(Path.Combine(dump, "index.json"))).RootElement;
        var rows = index.GetProperty("layers").EnumerateArray()
            .Select(e => $"{e.GetProperty("layer").GetString()}|{e.GetProperty("type").GetString()}|{e.GetProperty("top").GetString()}|" +
                         $"{e.GetProperty("file").GetString()}|{string.Join(",", e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()))}")
            .ToArray();
        Assert.Equal(
        [
            "scale/1|Power|y|scale_1.npy|2,3",
            "relu|ReLU|y|relu.npy|2,3",
            "split it|Slice|a|split_it.0.npy|2,1",
            "split it|Slice|b|split_it.1.npy|2,2",
            "prob|Softmax|prob|prob.npy|2,2",
        ], rows);
        Assert.Equal(["index.json", "prob.npy", "relu.npy", "scale_1.npy", "split_it.0.npy", "split_it.1.npy"],
            Directory.GetFiles(dump).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // ReLU works in place on y: the Power layer's own output keeps its negative values.
        Assert.Equal([-1f, 1, 3, 5, -5, 2], NpyFile.Read(Path.Combine(dump, "scale_1.npy")).ToArray());
        Assert.Equal([0f, 1, 3, 5, 0, 2], NpyFile.Read(Path.Combine(dump, "relu.npy")).ToArray());
        Assert.Equal([1f, 3, 0, 2], NpyFile.Read(Path.Combine(dump, "split_it.1.npy")).ToArray());
    }

    [Fact]
    public void AnInputOfAnotherBatchSizeRebuildsTheNet()
    {
        using var dir = new TempDir();
        var net = Write(dir, "small.prototxt", SmallNet);
        var x = WriteNpy(dir, "one.npy", [1, 3], [2, -3, 0.5f]);
        var r = CliRunner.Run("run", net, "--input", "data=" + x, "--output", dir.File("out"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(new TensorShape(1, 1), NpyFile.Read(dir.File("out/a.npy")).Shape);
        Assert.Equal([5f], NpyFile.Read(dir.File("out/a.npy")).ToArray());
    }

    [Fact]
    public void WrongInputShapeIsOneLineAndWritesNothing()
    {
        using var dir = new TempDir();
        var net = Write(dir, "small.prototxt", SmallNet);
        // Another batch or width reshapes the net; another rank cannot.
        var x = WriteNpy(dir, "deep.npy", [2, 3, 1], new float[6]);
        var r = CliRunner.Run("run", net, "--input", "data=" + x, "--output", dir.File("out"), "--dump-all", dir.File("dump"));
        AssertOneLineError(r, "input 'data' has shape 2x3x1, the net expects 2x3: 3 dimensions where the net has 2");
        Assert.False(Directory.Exists(dir.File("out")));
        Assert.False(Directory.Exists(dir.File("dump")));
    }

    [Fact]
    public void UnknownInputNameIsOneLine()
    {
        using var dir = new TempDir();
        var net = Write(dir, "small.prototxt", SmallNet);
        var r = CliRunner.Run("run", net, "--input", "nope=" + Input(dir));
        AssertOneLineError(r, "has no input 'nope' (its inputs: data)");
    }

    [Fact]
    public void MissingFilesAreOneLine()
    {
        using var dir = new TempDir();
        AssertOneLineError(CliRunner.Run("run", dir.File("absent.prototxt"), "--random-input"), "absent.prototxt");
        var net = Write(dir, "small.prototxt", SmallNet);
        AssertOneLineError(CliRunner.Run("run", net, "--input", "data=" + dir.File("absent.npy")), "absent.npy");
        AssertOneLineError(CliRunner.Run("run", net), "no value for input 'data'");
        AssertOneLineError(CliRunner.Run("run", net, "--random-input", "--threads", "0"), "--threads");
    }

    [Fact]
    public void InitWritesFillerWeightsThatRunReads()
    {
        using var dir = new TempDir();
        var lenet = TestPaths.InTestData("lenet", "lenet.prototxt");
        var weights = dir.File("w.caffemodel");
        var r = CliRunner.Run("init", lenet, "-o", weights, "--seed", "3");
        Assert.True(r.ExitCode == 0, r.Stderr);

        var saved = ModelLoader.LoadNet(weights);
        var conv1 = saved.Layer.Single(l => l.Name == "conv1");
        Assert.Equal([20L, 1, 5, 5], conv1.Blobs[0].Shape.Dim);
        Assert.Equal(500, conv1.Blobs[0].Data.Count);
        // LeNet's conv1 weights use the xavier filler: uniform within ±sqrt(3 / fan_in), fan_in 25.
        float limit = MathF.Sqrt(3f / 25);
        Assert.All(conv1.Blobs[0].Data, v => Assert.InRange(v, -limit, limit));
        Assert.Contains(conv1.Blobs[0].Data, v => v != 0);

        var run = CliRunner.Run("run", lenet, "--weights", weights, "--random-input");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.DoesNotContain("no trained weights", run.Stderr);
    }

    [Fact]
    public void InitCalibrateSetsBatchNormStatisticsFromTheInput()
    {
        using var dir = new TempDir();
        var net = Write(dir, "bn.prototxt", BatchNormNet);
        // Channel 0 sees 1 and 3 (mean 2, variance 1), channel 1 sees 2 and 6 (mean 4, variance 4).
        var x = WriteNpy(dir, "x.npy", [2, 2], [1, 2, 3, 6]);
        var weights = dir.File("w.caffemodel");
        var r = CliRunner.Run("init", net, "-o", weights, "--calibrate", "--input", "data=" + x);
        Assert.True(r.ExitCode == 0, r.Stderr);

        var bn = ModelLoader.LoadNet(weights).Layer.Single(l => l.Name == "bn");
        Assert.Equal([2f, 4f], bn.Blobs[0].Data);
        Assert.Equal([1f, 4f], bn.Blobs[1].Data);
        Assert.Equal([1f], bn.Blobs[2].Data);
    }

    [Fact]
    public void InitErrorsAreOneLineAndLeaveNoFile()
    {
        using var dir = new TempDir();
        var net = Write(dir, "small.prototxt", SmallNet);
        AssertOneLineError(CliRunner.Run("init", net), "-o");
        AssertOneLineError(CliRunner.Run("init", dir.File("absent.prototxt"), "-o", dir.File("w.caffemodel")), "absent.prototxt");
        var deep = WriteNpy(dir, "deep.npy", [2, 3, 1], new float[6]);
        AssertOneLineError(CliRunner.Run("init", net, "-o", dir.File("w.caffemodel"), "--calibrate", "--input", "data=" + deep),
            "the net expects");
        Assert.False(File.Exists(dir.File("w.caffemodel")));
    }

    sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
