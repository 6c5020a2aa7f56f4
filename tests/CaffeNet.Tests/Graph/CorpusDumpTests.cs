using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Graph;

/// <summary>
/// Every net in ../shared/corpus lowers in TEST phase as `dump` lowers it (sizes a data layer
/// leaves to its database unknown), or fails naming a layer type CaffeNet does not support.
/// Skipped only when the corpus is absent.
/// </summary>
public class CorpusDumpTests
{
    static readonly GraphOptions AsDump = new() { AllowUnknownDims = true };

    static readonly Dictionary<string, GraphOptions> Options = new()
    {
        // Its TEST-phase data layers need a stage, which the solver's test_state gives.
        ["mnistautoencoder-bvlc/mnist_autoencoder.prototxt"] = AsDump with { Stages = ["test-on-test"] },
        // A training-only net: it has no TEST-phase data layer at all.
        ["mobilenetssd-chuanqi305/train.prototxt"] = AsDump with { Phase = Phase.Train },
    };

    /// <summary>Nets whose data layers read their image size (and channels) from a database.</summary>
    static readonly HashSet<string> DatabaseShaped =
    [
        "alexnet-bvlc/train_val.prototxt",
        "lenet-bvlc/lenet_train_test.prototxt",
        "cifar10full-bvlc/cifar10_full_train_test.prototxt",
        "mnistautoencoder-bvlc/mnist_autoencoder.prototxt",
        // The box count of AnnotatedData's label is known per batch only.
        "mobilenetssd-chuanqi305/train.prototxt",
        // DenseImageData reads its image size from its list of files.
        "bayesiansegnet-kendall-basic/bayesian_segnet_basic_inference.prototxt",
        "bayesiansegnet-kendall-basic/bayesian_segnet_basic_train.prototxt",
    ];

    /// <summary>
    /// Nets with a layer type CaffeNet does not support, and the type the error names; and the
    /// nets whose Python data layer makes shapes only its code knows (`--input` gives them).
    /// </summary>
    static readonly Dictionary<string, string> Unsupported = new()
    {
        ["fcn8s-shelhamer-voc/train.prototxt"] = "Python",
        ["fcn8s-shelhamer-voc/val.prototxt"] = "Python",
    };

    /// <summary>
    /// A deploy file that keeps its training loss layer but not the label it reads; Caffe refuses
    /// it too ("Unknown bottom blob").
    /// </summary>
    const string Broken = "mobilenetv2-farmingyard-deploy/mobilenet_v2_deploy.prototxt";

    [Fact]
    public void EveryCorpusNetLowersOrNamesTheUnsupportedType()
    {
        if (!Directory.Exists(TestPaths.Corpus)) return;
        var nets = File.ReadLines(TestPaths.InCorpus("MANIFEST.tsv")).Skip(1)
            .Select(line => line.Split('\t'))
            .Where(f => f[2].EndsWith(".prototxt", StringComparison.Ordinal) && f[5].StartsWith('V'))
            .Select(f => $"{f[0]}/{f[2]}")
            .ToList();
        Assert.True(nets.Count >= 40, $"only {nets.Count} nets in the manifest");

        var problems = new List<string>();
        foreach (var net in nets)
        {
            var options = Options.GetValueOrDefault(net) ?? AsDump;
            string? error = null;
            try
            {
                var graph = GraphBuilder.Build(Models.Load(TestPaths.InCorpus(net)), LayerRegistry.Default, options);
                if (graph.Nodes.Count == 0 || graph.TotalCost.Params == 0)
                    problems.Add($"{net}: lowered to an empty graph");
                if (graph.HasUnknownDims != DatabaseShaped.Contains(net))
                    problems.Add($"{net}: expected {(DatabaseShaped.Contains(net) ? "some" : "no")} unknown dimensions");
            }
            catch (CaffeNetException e)
            {
                error = e.Message;
            }
            if (Unsupported.TryGetValue(net, out var type))
            {
                if (error is null || !error.Contains($"type {type}", StringComparison.Ordinal))
                    problems.Add($"{net}: expected an error naming type {type}, got: {error ?? "success"}");
            }
            else if (net == Broken)
            {
                if (error != "layer 'loss' (type SoftmaxWithLoss): bottom 'label' is not produced by any layer before it (nor is it a net input)")
                    problems.Add($"{net}: expected the undefined 'label' error, got: {error ?? "success"}");
            }
            else if (error is not null)
            {
                problems.Add($"{net}: {error}");
            }
        }
        Assert.Empty(problems);
    }
}
