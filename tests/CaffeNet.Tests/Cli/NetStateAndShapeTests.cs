using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Tests.Cli;

/// <summary>
/// `run` and `init` select layers by stage, take input shapes and reshape to the input files given,
/// as `caffe --stage` and pycaffe's reshape do; `init --filler` for layers the prototxt leaves
/// without a weight filler.
/// </summary>
public class NetStateAndShapeTests
{
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

    static float[] ReadNpy(string path) => NpyFile.Read(path, MemoryBudget.Available).ToArray();

    /// <summary>out = 2x in stage "double", else out = x + 10.</summary>
    const string StagedNet = """
        name: "staged"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 } } }
        layer { name: "twice" type: "Power" bottom: "data" top: "out" power_param { scale: 2 } include { stage: "double" } }
        layer { name: "plus" type: "Power" bottom: "data" top: "out" power_param { shift: 10 } exclude { stage: "double" } }
        """;

    [Theory]
    [InlineData(new string[0], new[] { 11f, 13f })]
    [InlineData(new[] { "--stage", "double" }, new[] { 2f, 6f })]
    public void RunSelectsLayersByStage(string[] stage, float[] expected)
    {
        using var dir = new TempDir();
        var net = Write(dir, "staged.prototxt", StagedNet);
        var x = WriteNpy(dir, "x.npy", [1, 2], [1, 3]);

        var r = CliRunner.Run(["run", net, "--input", $"data={x}", "--output", dir.File("out"), .. stage]);

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(expected, ReadNpy(Path.Combine(dir.File("out"), "out.npy")));
    }

    [Fact]
    public void InitSelectsLayersByStage()
    {
        using var dir = new TempDir();
        var net = Write(dir, "staged.prototxt", """
            name: "staged"
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 } } }
            layer { name: "ip" type: "InnerProduct" bottom: "data" top: "out" inner_product_param { num_output: 3 }
                    include { stage: "deploy" } }
            """);

        var without = CliRunner.Run("init", net, "-o", dir.File("a.caffemodel"));
        var with = CliRunner.Run("init", net, "-o", dir.File("b.caffemodel"), "--stage", "deploy");

        Assert.Equal("wrote " + dir.File("a.caffemodel") + ": 0 blob(s) in 0 layer(s), seed 0\n", without.Stdout);
        Assert.Equal("wrote " + dir.File("b.caffemodel") + ": 2 blob(s) in 1 layer(s), seed 0\n", with.Stdout);
    }

    /// <summary>Global average pooling: its output is the mean of whatever size the input has.</summary>
    const string PoolNet = """
        name: "pool"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 1 dim: 2 dim: 2 } } }
        layer { name: "gap" type: "Pooling" bottom: "data" top: "gap" pooling_param { pool: AVE global_pooling: true } }
        """;

    [Fact]
    public void AnInputFileOfAnotherHeightAndWidthReshapesTheNet()
    {
        using var dir = new TempDir();
        var net = Write(dir, "pool.prototxt", PoolNet);
        // Two images of 3x3: means 5 (1..9) and 0.
        var x = WriteNpy(dir, "x.npy", [2, 1, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

        var r = CliRunner.Run("run", net, "--input", $"data={x}", "--output", dir.File("out"));

        Assert.Equal(0, r.ExitCode);
        Assert.Equal([5f, 0f], ReadNpy(Path.Combine(dir.File("out"), "gap.npy")));
    }

    [Fact]
    public void AnInputOfAnotherRankIsOneLine()
    {
        using var dir = new TempDir();
        var net = Write(dir, "pool.prototxt", PoolNet);
        var x = WriteNpy(dir, "x.npy", [4], [1, 2, 3, 4]);

        var r = CliRunner.Run("run", net, "--input", $"data={x}");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("caffenet run: input 'data' has shape 4, the net expects 1x1x2x2: 1 dimensions where the net has 4\n", r.Stderr);
    }

    [Fact]
    public void RunTakesAnInputShapeForRandomValues()
    {
        using var dir = new TempDir();
        var net = Write(dir, "pool.prototxt", PoolNet);

        var r = CliRunner.Run("run", net, "--input", "data=3,1,5,7", "--random-input", "--output", dir.File("out"));

        Assert.Equal(0, r.ExitCode);
        Assert.Equal([3, 1, 1, 1], NpyFile.Read(Path.Combine(dir.File("out"), "gap.npy"), MemoryBudget.Available).Shape.Dims.ToArray());
    }

    /// <summary>
    /// A train_val net: its Data layer says batch 100 and reads data and label from a database.
    /// Files of batch 3 for both give the accuracy of argmax(data) against the labels.
    /// </summary>
    [Fact]
    public void DataAndLabelFilesAtAnotherBatchThanTheDataLayers()
    {
        using var dir = new TempDir();
        var net = Write(dir, "train_val.prototxt", """
            name: "tv"
            layer { name: "d" type: "Data" top: "data" top: "label" include { phase: TEST }
                    data_param { source: "db" batch_size: 100 backend: LMDB } }
            layer { name: "acc" type: "Accuracy" bottom: "data" bottom: "label" top: "acc" }
            """);
        // argmax per row: 0, 1, 0; labels 0, 1, 1: two of three right.
        var data = WriteNpy(dir, "data.npy", [3, 2], [1, 0, 0, 1, 1, 0]);
        var label = WriteNpy(dir, "label.npy", [3], [0, 1, 1]);

        var r = CliRunner.Run("run", net, "--input", $"data={data}", "--input", $"label={label}", "--output", dir.File("out"));
        var onlyData = CliRunner.Run("run", net, "--input", $"data={data}", "--random-input");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(2f / 3, ReadNpy(Path.Combine(dir.File("out"), "acc.npy"))[0], 6);
        Assert.Equal(0, onlyData.ExitCode);
    }

    const string ConvNet = """
        name: "conv"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 64 dim: 8 dim: 8 } } }
        layer { name: "conv" type: "Convolution" bottom: "data" top: "conv" convolution_param { num_output: 64 kernel_size: 3 } }
        """;

    static (float[] Weights, float[] Bias) InitWith(TempDir dir, params string[] options)
    {
        var net = Write(dir, "conv.prototxt", ConvNet);
        var file = dir.File($"w{options.Length}{string.Concat(options)}.caffemodel");
        var r = CliRunner.Run(["init", net, "-o", file, "--seed", "5", .. options]);
        Assert.Equal(0, r.ExitCode);
        var layer = ModelLoader.Read<NetParameter>(file).Layer.Single(l => l.Name == "conv");
        return ([.. layer.Blobs[0].Data], [.. layer.Blobs[1].Data]);
    }

    static double Std(float[] values) => Math.Sqrt(values.Select(v => (double)v * v).Average() - Math.Pow(values.Average(v => (double)v), 2));

    [Fact]
    public void WithoutWeightFillerInitKeepsCaffesConstantZero()
    {
        using var dir = new TempDir();
        var (weights, bias) = InitWith(dir);
        Assert.All(weights, w => Assert.Equal(0f, w));
        Assert.All(bias, b => Assert.Equal(0f, b));
    }

    /// <summary>
    /// 64x64x3x3 weights, fan_in 576: msra draws N(0, 2/576), std 0.0589; xavier U(-a, a) with
    /// a = sqrt(3/576), std a/sqrt(3) = 0.0417; gaussian std 0.01. 36,864 draws estimate each std
    /// within 2%. Biases stay Caffe's constant 0.
    /// </summary>
    [Theory]
    [InlineData("msra", 0.0589)]
    [InlineData("xavier", 0.0417)]
    [InlineData("gaussian", 0.01)]
    public void InitFillerGivesLayersWithoutOneThatFiller(string filler, double std)
    {
        using var dir = new TempDir();
        var (weights, bias) = InitWith(dir, "--filler", filler);
        Assert.InRange(Std(weights), std * 0.98, std * 1.02);
        Assert.All(bias, b => Assert.Equal(0f, b));
    }

    [Fact]
    public void AnUnknownFillerIsAUsageError()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("init", Write(dir, "conv.prototxt", ConvNet), "-o", dir.File("w.caffemodel"), "--filler", "he");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'he'", r.Stderr);
        Assert.False(File.Exists(dir.File("w.caffemodel")));
    }
}

/// <summary>
/// A V0 loss layer written without a top, as BVLC's old lenet_train was: Caffe gives it a top of
/// its own, and so do we. Rows [0, 0, 0] with label 0 and [0, ln 2, 0] with label 1 have softmax
/// probabilities 1/3 and 1/2 of their labels: loss (ln 3 + ln 2) / 2 = 0.895880.
/// </summary>
public class LossWithoutTopTests
{
    [Fact]
    public void V0LossLayerWithoutTopGetsOneAndRuns()
    {
        using var dir = new TempDir();
        var net = dir.File("v0.prototxt");
        File.WriteAllText(net, """
            name: "v0"
            input: "data" input_dim: 2 input_dim: 3 input_dim: 1 input_dim: 1
            input: "label" input_dim: 2 input_dim: 1 input_dim: 1 input_dim: 1
            layers { layer { name: "loss" type: "softmax_loss" } bottom: "data" bottom: "label" }
            """);
        var data = dir.File("d.npy");
        NpyFile.Write(data, new Tensor(new TensorShape([2, 3, 1, 1]), [0, 0, 0, 0, MathF.Log(2), 0]));
        var label = dir.File("l.npy");
        NpyFile.Write(label, new Tensor(new TensorShape([2, 1, 1, 1]), [0, 1]));

        var r = CliRunner.Run("run", net, "--input", $"data={data}", "--input", $"label={label}", "--output", dir.File("out"));

        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("loss (automatic): shape ()  min 0.89588 ", r.Stdout);
        var loss = NpyFile.Read(Path.Combine(dir.File("out"), "loss__automatic_.npy"), MemoryBudget.Available).ToArray();
        Assert.Equal((Math.Log(3) + Math.Log(2)) / 2, loss[0], 5);
    }

    /// <summary>
    /// A deploy net left with its loss layer (farmingyard's MobileNetV2): the label it reads is
    /// written by no layer, which Caffe refuses; a file or a shape given for it makes it an input.
    /// Same rows and labels as above: loss 0.895880.
    /// </summary>
    [Fact]
    public void ABlobNoLayerWritesIsAnInputWhenGiven()
    {
        using var dir = new TempDir();
        var net = dir.File("deploy.prototxt");
        File.WriteAllText(net, """
            name: "deploy-with-loss"
            input: "data" input_shape { dim: 2 dim: 3 }
            layer { name: "loss" type: "SoftmaxWithLoss" bottom: "data" bottom: "label" top: "loss" }
            """);
        var data = dir.File("d.npy");
        NpyFile.Write(data, new Tensor(new TensorShape([2, 3]), [0, 0, 0, 0, MathF.Log(2), 0]));
        var label = dir.File("l.npy");
        NpyFile.Write(label, new Tensor(new TensorShape([2]), [0, 1]));

        var refused = CliRunner.Run("run", net, "--input", $"data={data}");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("bottom 'label' is not produced by any layer before it (nor is it a net input)", refused.Stderr);

        var r = CliRunner.Run("run", net, "--input", $"data={data}", "--input", $"label={label}");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("loss: shape ()  min 0.89588 ", r.Stdout);

        var dump = CliRunner.Run("dump", net, "--input", "label=2");
        Assert.Equal(0, dump.ExitCode);
        Assert.Contains("Inputs:      data 2x3, label 2", dump.Stdout);
    }
}
