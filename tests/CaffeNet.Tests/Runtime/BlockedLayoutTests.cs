using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Tests.Graph;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// The fused path with the channel-blocked layout (blocks of 8 and of 16 channels, whatever the
/// machine) against the reference path, under the fused path's rule: every value within 1e-4 of
/// the larger of 1 and its largest magnitude.
/// </summary>
public class BlockedLayoutTests
{
    static (NetGraph Graph, NetWeights Weights, Dictionary<string, Tensor> Inputs) Calibrated(string prototxt, int batch)
    {
        var net = ModelLoader.Load(prototxt, null);
        var probe = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions());
        var input = probe.Inputs[0];
        var shape = new Shape([batch, .. input.Shape.Dims.Skip(1)]);
        var graph = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { InputShapes = new Dictionary<string, Shape> { [input.Name] = shape } });
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(3));
        var inputs = NetInputs.Random(graph, 4);
        using var calibrating = new Executor(graph, weights);
        BatchNormCalibration.Calibrate(calibrating, inputs);
        return (graph, weights, inputs);
    }

    public static TheoryData<string, int, int, int> NetCases()
    {
        var data = new TheoryData<string, int, int, int>();
        foreach (int block in new[] { 8, 16 })
        {
            data.Add("mobilenetv2", block, 1, 1);
            data.Add("mobilenetv2", block, 2, 2);
            data.Add("mobilenetv2-0.35", block, 1, 2);
        }
        return data;
    }

    static string PathOf(string net) => net == "mobilenetv2"
        ? TestPaths.InTestData("mobilenetv2", "deploy.prototxt")
        : TestPaths.InCorpus("mobilenetv2-austingg-0.35", "test.prototxt");

    [Theory]
    [MemberData(nameof(NetCases))]
    public void EveryFusedNodeAgreesWithTheReference(string net, int block, int batch, int threads)
    {
        var prototxt = PathOf(net);
        var (graph, weights, inputs) = Calibrated(prototxt, batch);
        var reference = new Dictionary<string, float[]>();
        using (var unfused = new Executor(graph, weights))
            unfused.Forward(inputs, (node, outs) => reference[node.Name] = outs[0].ToArray());
        using var fused = new Executor(graph, weights, ExecutorOptions.Fast(threads) with { Block = block });
        var layout = fused.Compiled.Layout;
        Assert.Equal(block, layout.Block);
        // Every depthwise and 1x1 result but those read by an NCHW layer (the shortcut values read
        // by the next block's expansion and its sum are blocked too).
        Assert.True(layout.Blocked.Count >= 40, $"{layout.Blocked.Count} values blocked");
        int checkedNodes = 0;
        var outputs = fused.Forward(inputs, (node, outs) =>
        {
            var last = fused.Plan.FusionAt(node)?.Absorbed.LastOrDefault() ?? node;
            Near(reference[last.Name], outs[0].ToArray(), node.Name);
            checkedNodes++;
        });
        Assert.Equal(fused.RunningNodes.Count(), checkedNodes);
        Near(reference[graph.Outputs[0].Producer!.Name], outputs[graph.Outputs[0].Name].ToArray(), "output");
    }

    static void Near(float[] want, float[] got, string what)
    {
        Assert.Equal(want.Length, got.Length);
        float tolerance = 1e-4f * Math.Max(1, want.Max(MathF.Abs));
        for (int i = 0; i < want.Length; i++)
            Assert.True(MathF.Abs(got[i] - want[i]) <= tolerance, $"{what} [{i}]: {got[i]} vs {want[i]} (tolerance {tolerance})");
    }

    [Fact]
    public void ValuesReadByNchwLayersAndTheNetsEndsStayNchw()
    {
        var (graph, _, _) = Calibrated(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), 1);
        var plan = GraphOptimizer.Plan(graph);
        var layout = ChannelLayout.For(graph, plan, 16);
        Assert.All(graph.Inputs.Concat(graph.Outputs), v => Assert.False(layout.IsBlocked(v)));
        // conv_1_1 (3x3 on the 3-channel image) reads NCHW and writes blocked, so the run starts there.
        Assert.True(layout.IsBlocked(Last(graph, "conv_1_1")));
        Assert.True(layout.IsBlocked(Last(graph, "conv_2_1_pw")));
        // conv9 feeds the global pooling, which reads blocked; the pooling writes NCHW for conv10.
        Assert.True(layout.IsBlocked(Last(graph, "conv9")));
        Assert.False(layout.IsBlocked(Last(graph, "pool9")));
        // A blocked value of 1x24x56x56 takes 32 channels in blocks of 16.
        var linear = Last(graph, "conv_3_1_linear");
        Assert.Equal(1L * 32 * 56 * 56, layout.Floats(linear));
        Assert.Same(ChannelLayout.None, ChannelLayout.For(graph, plan, 0));
    }

    static Value Last(NetGraph graph, string blob) => graph.Values.Where(v => v.Name == blob).MaxBy(v => v.Version)!;

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void AnOddChannelResidualBlockWithGlobalPoolingMatchesTheReference(int block)
    {
        // 3 -> 3x3 (5) -> 1x1 (13) -> BN -> ReLU6 -> depthwise 3x3 stride 1 -> 1x1 (5) + shortcut -> global average.
        var expand = Nets.Layer("expand", "Convolution", "x", "e");
        expand.ConvolutionParam = new ConvolutionParameter { NumOutput = 13, KernelSize = { 1 } };
        var dw = Nets.Layer("dw", "Convolution", "e", "d");
        dw.ConvolutionParam = new ConvolutionParameter { NumOutput = 13, Group = 13, KernelSize = { 3 }, Pad = { 1 } };
        var project = Nets.Layer("project", "Convolution", "d", "p");
        project.ConvolutionParam = new ConvolutionParameter { NumOutput = 5, KernelSize = { 1 } };
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "x", "p" }, Top = { "s" } };
        var pool = Nets.Layer("pool", "Pooling", "s", "g");
        pool.PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Ave, GlobalPooling = true };
        var first = Nets.Layer("first", "Convolution", "data", "x");
        first.ConvolutionParam = new ConvolutionParameter { NumOutput = 5, KernelSize = { 3 }, Pad = { 1 } };
        var graph = Nets.Build(Nets.Input("data", 2, 3, 6, 7), first, expand, Nets.Layer("bn", "BatchNorm", "e", "e"),
            Nets.Layer("relu6", "ReLU6", "e", "e"), dw, project, sum, pool);
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(5));
        var inputs = NetInputs.Random(graph, 6);
        using var reference = new Executor(graph, weights);
        BatchNormCalibration.Calibrate(reference, inputs);
        var want = reference.Forward(inputs)["g"].ToArray();
        using var fused = new Executor(graph, weights, ExecutorOptions.Fast(2) with { Block = block });
        Assert.Equal(["first", "expand", "dw", "project", "pool"], fused.RunningNodes.Select(n => n.Name));
        Assert.Equal(4, fused.Compiled.Layout.Blocked.Count); // x (by the direct kernel), e, d and s
        Near(want, fused.Forward(inputs)["g"].ToArray(), "g");
    }

    [Theory]
    [InlineData("resnet50-kaiminghe-deploy")]
    [InlineData("squeezenet-forresti-v1.1")]
    public void NetsWhoseRunsWouldStartWithAReorderStayNchw(string net)
    {
        // Their first convolution feeds a max pooling, and every 1x1 reads a KxK convolution's or
        // pooling's NCHW output: blocking any of them would only add reorders.
        var dir = TestPaths.InCorpus(net);
        var prototxt = Directory.GetFiles(dir, "*.prototxt").OrderBy(f => f.Contains("deploy") ? 0 : 1).First();
        var graph = GraphBuilder.Build(ModelLoader.Load(prototxt, null), LayerRegistry.Default, new GraphOptions());
        Assert.Same(ChannelLayout.None, ChannelLayout.For(graph, GraphOptimizer.Plan(graph), 16));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void AKeptBlockedBlobIsCopiedOutInNchw(int block)
    {
        var (graph, weights, inputs) = Calibrated(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), 1);
        var kept = Last(graph, "conv_3_1_dw");
        float[]? want = null;
        using (var reference = new Executor(graph, weights))
            reference.Forward(inputs, (node, outs) => { if (node.Name == "relu_3_1_dw") want = outs[0].ToArray(); });
        var net = new CompiledNet(graph, weights, ExecutorOptions.Fast(1) with { Block = block }, () => null, [kept]);
        Assert.True(net.Layout.IsBlocked(kept));
        var context = net.CreateContext();
        context.SetInput(0, inputs["data"].Span);
        context.Run();
        Near(want!, context.Kept(0).ToArray(), "conv_3_1_dw");
    }
}
