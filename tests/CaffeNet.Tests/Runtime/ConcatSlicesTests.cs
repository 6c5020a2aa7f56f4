using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Tests.Graph;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// A batch-1 channel concat on the fused path: its inputs are placed in their slices of its output,
/// so the convolutions before it write the output and it copies nothing; NCHW and blocked alike.
/// </summary>
public class ConcatSlicesTests
{
    static NetGraph Net(int batch, bool concatIsOutput = false)
    {
        // data -> 3x3 (16) -> 1x1 (16) and 3x3 (32) -> concat (48) -> 1x1 (5).
        var layers = new List<LayerParameter>
        {
            Nets.Input("data", batch, 3, 8, 9),
            Conv("first", "data", "x", 16, 3, 1),
            Conv("a", "x", "a", 16, 1, 0),
            Conv("b", "x", "b", 32, 3, 1),
            new() { Name = "concat", Type = "Concat", Bottom = { "a", "b" }, Top = { "c" } },
        };
        if (!concatIsOutput)
            layers.Add(Conv("r", "c", "r", 5, 1, 0));
        return Nets.Build([.. layers]);
    }

    static LayerParameter Conv(string name, string bottom, string top, uint outputs, uint kernel, uint pad)
    {
        var layer = Nets.Layer(name, "Convolution", bottom, top);
        layer.ConvolutionParam = new ConvolutionParameter { NumOutput = outputs, KernelSize = { kernel }, Pad = { pad } };
        return layer;
    }

    static Value Named(NetGraph graph, string name) => graph.Values.Single(v => v.Name == name);

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(16)]
    public void TheInputsAreWrittenInPlaceIntoTheirSlicesOfTheOutput(int block)
    {
        var graph = Net(1);
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(2, "msra"));
        var inputs = NetInputs.Random(graph, 3);
        var want = new Dictionary<string, float[]>();
        using (var reference = new Executor(graph, weights))
            reference.Forward(inputs, (node, outs) => want[node.Name] = outs[0].ToArray());
        using var fused = new Executor(graph, weights, ExecutorOptions.Fast(2) with { Block = block });
        var memory = fused.Memory;
        Assert.True(memory.IsSliced(graph.Nodes.Single(n => n.Name == "concat")));
        // a's 16 x 8 x 9 floats (also in blocks of 8 or 16: whole blocks), then b's.
        Assert.Equal(memory.OffsetOf(Named(graph, "c")), memory.OffsetOf(Named(graph, "a")));
        Assert.Equal(memory.OffsetOf(Named(graph, "c")) + 16 * 8 * 9, memory.OffsetOf(Named(graph, "b")));
        var got = fused.Forward(inputs, (node, outs) =>
        {
            float[] w = want[node.Name], g = outs[0].ToArray();
            float tolerance = 1e-4f * Math.Max(1, w.Max(MathF.Abs));
            for (int i = 0; i < w.Length; i++)
                Assert.True(MathF.Abs(g[i] - w[i]) <= tolerance, $"{node.Name} [{i}]: {g[i]} vs {w[i]}");
        });
        Assert.Equal(5 * 8 * 9, got["r"].Count);
    }

    [Fact]
    public void ABatchOfTwoOrAConcatThatIsTheNetsOutputStillCopies()
    {
        foreach (var graph in new[] { Net(2), Net(1, concatIsOutput: true) })
        {
            var weights = NetWeights.Resolve(graph, MissingWeights.Fill(2, "msra"));
            using var fused = new Executor(graph, weights, ExecutorOptions.Fast(1));
            Assert.False(fused.Memory.IsSliced(graph.Nodes.Single(n => n.Name == "concat")));
        }
        // The reference path places every blob on its own.
        var one = Net(1);
        using var reference = new Executor(one, NetWeights.Resolve(one, MissingWeights.Fill(2, "msra")));
        Assert.False(reference.Memory.IsSliced(one.Nodes.Single(n => n.Name == "concat")));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    public void EverySqueezeNetFireConcatIsSlicedAtBatchOne(int block)
    {
        // fire9/concat too, though drop9 (skipped, in place) makes a second version of it.
        var net = ModelLoader.Load(TestPaths.InCorpus("squeezenet-forresti-v1.1", "deploy.prototxt"), null);
        var graph = GraphBuilder.Build(net, LayerRegistry.Default,
            new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = new Shape(1, 3, 227, 227) } });
        using var fused = new Executor(graph, NetWeights.Resolve(graph, MissingWeights.Fill(1, "msra")), ExecutorOptions.Fast(1) with { Block = block });
        var concats = graph.Nodes.Where(n => n.Type == "Concat").ToList();
        Assert.Equal(8, concats.Count);
        Assert.All(concats, c => Assert.True(fused.Memory.IsSliced(c), c.Name));
    }
}
