using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Tests.Graph;
using CaffeNet.Tests.Runtime;

namespace CaffeNet.Tests.Trust;

/// <summary>
/// Chains of 20k layers (issue 10, point 8): graph building, the passes, the memory plan and a
/// forward used to take time quadratic in the layer count. These check they still give the right
/// answers at that length; how long they take is for the LongChainBenchmarks, not a test.
/// </summary>
public class LongNetTests
{
    const int Layers = 20_000;

    static LayerParameter ReLU(string name, string bottom, string top) => Nets.Layer(name, "ReLU", bottom, top);

    static readonly float[] Input = [-1, 2, -3, 4];

    [Fact]
    public void AnOutOfPlaceReLUChainNeedsTwoBlobsAndComputesReLU()
    {
        var layers = new List<LayerParameter> { Nets.Input("r0", 1, 4) };
        for (int i = 1; i <= Layers; i++)
            layers.Add(ReLU($"r{i}", $"r{i - 1}", $"r{i}"));
        var graph = Nets.Build([.. layers]);

        Assert.Equal(Layers, graph.Nodes.Count);
        Assert.Equal($"r{Layers}", Assert.Single(graph.Outputs).Name);
        // Only a layer's input and output are live at once: 2 x 4 floats.
        Assert.Equal(2 * 4 * sizeof(float), graph.PeakActivationBytes);
        var plan = MemoryPlan.For(graph);
        Assert.Equal(8, plan.PeakLiveFloats);
        // Two slots, the second on the next 16-float line; neighbours never share floats.
        Assert.Equal(20, plan.ArenaFloats);
        for (int i = 1; i < graph.Values.Count; i++)
            Assert.NotEqual(plan.OffsetOf(graph.Values[i - 1]), plan.OffsetOf(graph.Values[i]));

        var output = Executor.Create(graph).Forward(new Dictionary<string, Tensor> { ["r0"] = T.Of([1, 4], Input) });
        T.Close([0, 2, 0, 4], output[$"r{Layers}"], 0);
    }

    [Fact]
    public void AnInPlaceReLUChainIsOneBlobOfManyVersions()
    {
        var layers = new List<LayerParameter> { Nets.Input("data", 1, 4) };
        for (int i = 1; i <= Layers; i++)
            layers.Add(ReLU($"relu{i}", "data", "data"));
        var graph = Nets.Build([.. layers]);

        Assert.Equal(Layers + 1, graph.Values.Count);
        var output = Assert.Single(graph.Outputs);
        Assert.Equal(("data", Layers), (output.Name, output.Version));
        Assert.Equal(4 * sizeof(float), graph.PeakActivationBytes);
        var plan = MemoryPlan.For(graph);
        Assert.Equal(4, plan.ArenaFloats);
        Assert.All(graph.Values, v => Assert.Equal(0, plan.OffsetOf(v)));

        var result = Executor.Create(graph).Forward(new Dictionary<string, Tensor> { ["data"] = T.Of([1, 4], Input) });
        T.Close([0, 2, 0, 4], result["data"], 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AConvolutionAndReLUChainAddsItsBiasAtEveryLayer(bool fuse)
    {
        // Each pair is y = relu(1 * x + 0.5) on one channel. From x = [-1, 2]: after the first
        // pair [0, 2.5], after k pairs [0.5 (k - 1), 2 + 0.5 k], all exact in float32.
        const int pairs = Layers / 2;
        var layers = new List<LayerParameter> { Nets.Input("c0", 1, 1, 1, 2) };
        for (int i = 1; i <= pairs; i++)
        {
            var conv = Nets.Layer($"conv{i}", "Convolution", $"c{i - 1}", $"c{i}");
            conv.ConvolutionParam = new ConvolutionParameter { NumOutput = 1, KernelSize = { 1 } };
            conv.Blobs.Add(Blob([1, 1, 1, 1], 1));
            conv.Blobs.Add(Blob([1], 0.5f));
            layers.Add(conv);
            layers.Add(ReLU($"relu{i}", $"c{i}", $"c{i}"));
        }
        var graph = Nets.Build([.. layers]);
        Assert.Equal(2 * pairs, graph.Nodes.Count);
        Assert.Equal(new Shape(1, 1, 1, 2), Assert.Single(graph.Outputs).Shape);

        var options = fuse ? ExecutorOptions.Fast() : ExecutorOptions.Reference;
        using var executor = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse), options);
        if (fuse)
            Assert.Equal(pairs, executor.Plan.Fusions.Count(f => f.Activation is not null));
        var result = executor.Forward(new Dictionary<string, Tensor> { ["c0"] = T.Of([1, 1, 1, 2], -1, 2) });
        T.Close([0.5f * (pairs - 1), 2 + 0.5f * pairs], result[$"c{pairs}"], 0);
    }

    [Fact]
    public void AChainOfOutOfPlaceDropoutsSharesTheFirstBlob()
    {
        // Every skipped Dropout's top shares its bottom's storage, so all of them share data's.
        var layers = new List<LayerParameter> { Nets.Input("d0", 1, 4) };
        for (int i = 1; i <= Layers; i++)
            layers.Add(Nets.Layer($"drop{i}", "Dropout", $"d{i - 1}", $"d{i}"));
        var graph = Nets.Build([.. layers]);
        var fusions = GraphOptimizer.Plan(graph);
        Assert.All(graph.Nodes, n => Assert.True(fusions.Skips(n)));
        Assert.All(graph.Values, v => Assert.Same(graph.Values[0], fusions.StorageOf(v)));
        var plan = MemoryPlan.For(graph, fusions);
        Assert.Equal(4, plan.ArenaFloats);

        using var executor = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Refuse), ExecutorOptions.Fast());
        var result = executor.Forward(new Dictionary<string, Tensor> { ["d0"] = T.Of([1, 4], Input) });
        T.Close(Input, result[$"d{Layers}"], 0);
    }

    [Fact]
    public void TheCliDumpsALongChainWithItsOutputShape()
    {
        using var dir = new TempDir();
        var path = dir.File("chain.prototxt");
        using (var w = new StreamWriter(path))
        {
            w.WriteLine("layer { name: \"r0\" type: \"Input\" top: \"r0\" input_param { shape { dim: 1 dim: 3 dim: 5 dim: 7 } } }");
            for (int i = 1; i <= Layers; i++)
                w.WriteLine($"layer {{ name: \"r{i}\" type: \"ReLU\" bottom: \"r{i - 1}\" top: \"r{i}\" }}");
        }
        var result = CliRunner.Run("dump", path);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"{Layers} layers", result.Stdout);
        Assert.Contains($"Outputs:     r{Layers} 1x3x5x7", result.Stdout);
        // Two 105-float blobs at once.
        Assert.Contains("(840 bytes)", result.Stdout);
    }

    static BlobProto Blob(long[] dims, params float[] values)
    {
        var blob = new BlobProto { Shape = new BlobShape() };
        blob.Shape.Dim.AddRange(dims);
        blob.Data.AddRange(values);
        return blob;
    }
}
