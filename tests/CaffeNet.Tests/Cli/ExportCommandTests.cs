using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Tests.Export;
using Microsoft.ML.OnnxRuntime;

namespace CaffeNet.Tests.Cli;

/// <summary>`caffenet export` as a user runs it.</summary>
public class ExportCommandTests
{
    static readonly string Det1 = TestPaths.InTestData("mtcnn", "det1.prototxt");
    static readonly string Det1Weights = TestPaths.InTestData("mtcnn", "det1.caffemodel");

    static void AssertOneLineError(CliRunner.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal($"caffenet export: {expected}", Assert.Single(r.Stderr.TrimEnd('\n').Split('\n')));
    }

    [Fact]
    public void ExportsMtcnnWithItsPReLUsAndONNXRuntimeGivesOurOutputs()
    {
        using var dir = new TempDir();
        var onnx = dir.File("det1.onnx");
        // A batch of 2 at 24x24 instead of the prototxt's 1x3x12x12.
        var r = CliRunner.Run("export", Det1, "--weights", Det1Weights, "-o", onnx, "--input", "data=2,3,24,24");

        Assert.Equal(0, r.ExitCode);
        // The caffemodel holds a field BVLC's schema lacks, which the import reports.
        Assert.Equal("caffenet export: warning: " + Det1Weights + ": byte 28002: caffe.SoftmaxParameter has no field 3 (once in the file); " +
            "binary output keeps it, prototxt output leaves it out\n", r.Stderr.ReplaceLineEndings("\n"));
        Assert.Equal($"wrote {onnx} ({new FileInfo(onnx).Length} bytes): opset 17, 10 layers, inputs data 2x3x24x24, " +
            "outputs conv4-2 2x4x7x7, prob1 2x2x7x7\n", r.Stdout.ReplaceLineEndings("\n"));
        using (var session = new InferenceSession(onnx))
            Assert.Equal([2, 3, 24, 24], session.InputMetadata["data"].Dimensions);

        var graph = GraphBuilder.Build(ModelLoader.Load(Det1, Det1Weights), LayerRegistry.Default,
            new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = new(2, 3, 24, 24) } });
        var inputs = NetInputs.Random(graph, 1);
        var ours = OnnxRuntimeOracle.RunReference(graph, NetWeights.Resolve(graph, MissingWeights.Refuse), inputs);
        var theirs = OnnxRuntimeOracle.Run(File.ReadAllBytes(onnx), inputs);
        Assert.Equal(["conv4-2", "prob1"], theirs.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, tensor) in theirs)
        {
            var (error, scale) = OnnxRuntimeOracle.Compare(ours[name], tensor);
            Assert.True(OnnxRuntimeOracle.Agrees(error, scale), $"{name}: max|a-b| {error}, max|ours| {scale}");
        }
    }

    [Fact]
    public void ALayerOnnxCannotExpressIsOneLineAndNoFile()
    {
        using var dir = new TempDir();
        var prototxt = dir.File("net.prototxt");
        File.WriteAllText(prototxt, Export.SmallNet.Input(1, 1, 4, 4) +
            "layer { name: 'pool' type: 'Pooling' bottom: 'data' top: 'pool' pooling_param { pool: STOCHASTIC kernel_size: 2 } }");
        var r = CliRunner.Run("export", prototxt, "-o", dir.File("net.onnx"));
        AssertOneLineError(r, "layer 'pool' (type Pooling): cannot be exported to ONNX: pooling method Stochastic has no ONNX form (MAX and AVE do)");
        Assert.Equal(["net.prototxt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void AnOpsetOutOfRangeIsAUsageError()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("export", Det1, "--weights", Det1Weights, "-o", dir.File("x.onnx"), "--opset", "12");
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("caffenet export: --opset must be a whole number from 13 to 23, not '12'", r.Stderr);
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void TheOutputFileIsRequired()
    {
        var r = CliRunner.Run("export", Det1);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("caffenet export: -o OUT.onnx is required", r.Stderr);
    }

    [Fact]
    public void WithoutWeightsTheExportSaysItsWeightsAreRandom()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("export", Det1, "-o", dir.File("det1.onnx"), "--seed", "3");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("caffenet export: warning: no --weights given: 8 layer(s) were filled from the prototxt's fillers (seed 3), " +
            "so the exported weights are random\n", r.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void WeightsThatMissLayersAreRefusedWithoutFillMissing()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("export", Det1, "--weights", TestPaths.InTestData("mobilenetv2", "calibrated-seed1.caffemodel"), "-o", dir.File("det1.onnx"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no weights for 8 of the net's 8 learnable layers", r.Stderr);
        Assert.False(File.Exists(dir.File("det1.onnx")));
    }
}
