using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;
using Xunit.Abstractions;

namespace CaffeNet.Tests.Export;

/// <summary>
/// Whole nets exported to ONNX and run in ONNX Runtime against our reference executor on seeded
/// inputs: every blob's final value (each net output and each layer's result) to 1e-4 of its own
/// largest magnitude.
/// </summary>
public class OnnxNetAgreementTests(ITestOutputHelper output)
{
    void AssertAgrees(string prototxt, string weightsFile, ulong seed, Dictionary<string, Shape>? inputShapes = null)
    {
        var graph = GraphBuilder.Build(ModelLoader.Load(prototxt, weightsFile, new ImportOptions(Lenient: true)), LayerRegistry.Default,
            new GraphOptions { InputShapes = inputShapes ?? new Dictionary<string, Shape>() });
        var weights = NetWeights.Resolve(graph, MissingWeights.Refuse);
        Assert.Empty(weights.Filled);
        var inputs = NetInputs.Random(graph, seed);
        var ours = OnnxRuntimeOracle.RunReference(graph, weights, inputs);
        var theirs = OnnxRuntimeOracle.Run(OnnxRuntimeOracle.ExportObservingEveryBlob(graph, weights), inputs);

        // Issue 11 asks for 1e-4 relative: each blob to 1e-4 of its own largest value, however small
        // that is (the project's usual rule, 1e-4 of max(1, largest), is absolute below 1).
        var problems = new List<string>();
        double worst = 0;
        string worstBlob = "";
        foreach (var (blob, tensor) in ours)
        {
            var (error, scale) = OnnxRuntimeOracle.Compare(tensor, theirs[blob]);
            if (error is not { } e || e > OnnxRuntimeOracle.Tolerance * scale && e > 0)
                problems.Add($"{blob}: max|a-b| {error?.ToString() ?? $"shape {theirs[blob].Shape} not {tensor.Shape}"}, max|ours| {scale}");
            else if (e > 0 && e / scale > worst)
                (worst, worstBlob) = (e / scale, blob);
        }
        foreach (var net in graph.Outputs)
        {
            var (error, scale) = OnnxRuntimeOracle.Compare(ours[net.Name], theirs[net.Name]);
            output.WriteLine($"{Path.GetFileName(prototxt)} output {net.Name} {net.Shape}: max|a-b| {error:E2}, max|ours| {scale:G4}, " +
                $"max|a-b|/max|ours| {error / scale:E2}");
        }
        output.WriteLine($"{Path.GetFileName(prototxt)}: {ours.Count} blobs compared, worst max|a-b|/max|ours| {worst:E2} ({worstBlob})");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void MobileNetV2DeployWithCalibratedWeights() =>
        AssertAgrees(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), TestPaths.InTestData("mobilenetv2", "calibrated-seed1.caffemodel"), 3);

    /// <summary>Every corpus folder with a trained .caffemodel and the one deploy net beside it.</summary>
    static List<string> CorpusFolders() =>
        !Directory.Exists(TestPaths.Corpus)
            ? []
            : [.. Directory.GetDirectories(TestPaths.Corpus).Where(d => Directory.GetFiles(d, "*.caffemodel").Length == 1)
                .Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    public static TheoryData<string> CorpusModels() => new(CorpusFolders());

    [Fact]
    public void TheCorpusHasTheSixModelsWithTrainedWeights()
    {
        if (!Directory.Exists(TestPaths.Corpus)) return;
        Assert.Equal(
            ["cifar10full-yuvval-weights", "lenet-ethereon-weights", "lenet-everpeace-v1weights", "mobilenetyolov3lite-eric612-tusimple-weights",
                "mtcnn-kpzhang93-det1", "mtcnn-kpzhang93-det3"],
            CorpusFolders());
    }

    [Theory]
    [MemberData(nameof(CorpusModels))]
    public void CorpusModelWithTrainedWeights(string folder)
    {
        var dir = TestPaths.InCorpus(folder);
        // The lane net is fully convolutional: at a quarter of its 512x512 area the reference
        // kernels take a quarter of the time, and every layer still runs.
        var shapes = folder.StartsWith("mobilenetyolov3lite", StringComparison.Ordinal)
            ? new Dictionary<string, Shape> { ["data"] = new(1, 3, 256, 256) }
            : null;
        AssertAgrees(Directory.GetFiles(dir, "*.prototxt").Single(), Directory.GetFiles(dir, "*.caffemodel").Single(), 5, shapes);
    }
}
