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
    static (NetGraph Graph, NetWeights Weights, Dictionary<string, Tensor> Inputs) Calibrated(string prototxt, int batch, string? filler = null)
    {
        var net = ModelLoader.Load(prototxt, null);
        var probe = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions());
        var input = probe.Inputs[0];
        var shape = new Shape([batch, .. input.Shape.Dims.Skip(1)]);
        var graph = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { InputShapes = new Dictionary<string, Shape> { [input.Name] = shape } });
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(3, filler));
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
            data.Add("squeezenet-forresti-v1.1", block, 1, 2);
        }
        data.Add("resnet50-kaiminghe-deploy", 16, 1, 2);
        // Concat-heavy: their runs end at an LRN or a pre-activation BatchNorm, so little is blocked.
        data.Add("googlenet-bvlc", 16, 1, 2);
        data.Add("densenet121-shicai", 8, 1, 2);
        return data;
    }

    static string PathOf(string net) => net switch
    {
        "mobilenetv2" => TestPaths.InTestData("mobilenetv2", "deploy.prototxt"),
        "mobilenetv2-0.35" => TestPaths.InCorpus("mobilenetv2-austingg-0.35", "test.prototxt"),
        _ => Directory.GetFiles(TestPaths.InCorpus(net), "*.prototxt").OrderBy(f => f.Contains("train") ? 1 : 0).First(),
    };

    /// <summary>Values each net has blocked at least (a lower bound: more once more kernels read blocked).</summary>
    static int MinBlocked(string net) => net switch
    {
        "mobilenetv2" or "mobilenetv2-0.35" => 40,
        "squeezenet-forresti-v1.1" => 2,    // conv1 and pool1
        "resnet50-kaiminghe-deploy" => 2,   // conv1 and pool1
        _ => 0,
    };

    [Theory]
    [MemberData(nameof(NetCases))]
    public void EveryFusedNodeAgreesWithTheReference(string net, int block, int batch, int threads)
    {
        var prototxt = PathOf(net);
        // The corpus deploy nets give no fillers: MSRA, so that no layer is all zeros.
        var (graph, weights, inputs) = Calibrated(prototxt, batch, net.StartsWith("mobilenetv2", StringComparison.Ordinal) ? null : "msra");
        var reference = new Dictionary<string, float[]>();
        using (var unfused = new Executor(graph, weights))
            unfused.Forward(inputs, (node, outs) => reference[node.Name] = outs[0].ToArray());
        using var fused = new Executor(graph, weights, ExecutorOptions.Fast(threads) with { Block = block });
        var layout = fused.Compiled.Layout;
        if (MinBlocked(net) > 0)
            Assert.Equal(block, layout.Block);
        // MobileNetV2: every depthwise and 1x1 result but those read by an NCHW layer (the shortcut
        // values read by the next block's expansion and its sum are blocked too).
        Assert.True(layout.Blocked.Count >= MinBlocked(net), $"{layout.Blocked.Count} values blocked");
        int checkedNodes = 0;
        var outputs = fused.Forward(inputs, (node, outs) =>
        {
            var last = fused.Plan.FusionAt(node)?.Absorbed.LastOrDefault() ?? node;
            Near(reference[last.Name], outs[0].ToArray(), node.Name, Tolerance(net));
            checkedNodes++;
        });
        Assert.Equal(fused.RunningNodes.Count(), checkedNodes);
        Near(reference[graph.Outputs[0].Producer!.Name], outputs[graph.Outputs[0].Name].ToArray(), "output", Tolerance(net));
    }

    /// <summary>
    /// ResNet-50's 50 layers add up float rounding (folded BatchNorms, other sum orders): its res5
    /// values differ from the reference by 3.6e-4 of their largest even where nothing is blocked.
    /// </summary>
    static float Tolerance(string net) => net.StartsWith("resnet", StringComparison.Ordinal) ? 1e-3f : 1e-4f;

    static void Near(float[] want, float[] got, string what, float relative = 1e-4f)
    {
        Assert.Equal(want.Length, got.Length);
        float tolerance = relative * Math.Max(1, want.Max(MathF.Abs));
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

    static (NetGraph Graph, FusionPlan Plan, ChannelLayout Layout) LayoutOf(string net, int block)
    {
        var graph = GraphBuilder.Build(ModelLoader.Load(PathOf(net), null), LayerRegistry.Default, new GraphOptions());
        var plan = GraphOptimizer.Plan(graph);
        return (graph, plan, ChannelLayout.For(graph, plan, block));
    }

    static bool HasBlockedKernel(NetGraph graph, FusionPlan plan, string conv) => KernelOf(graph, plan, conv) != BlockedKernel.None;

    static BlockedKernel KernelOf(NetGraph graph, FusionPlan plan, string conv) =>
        ChannelLayout.KernelOf(plan.FusionAt(graph.Nodes.Single(n => n.Name == conv))!);

    [Fact]
    public void ThreeByThreeConvolutionsTakeWinogradWhereItPays()
    {
        var (resnet, plan, _) = LayoutOf("resnet50-kaiminghe-deploy", 16);
        Assert.Equal(BlockedKernel.Direct, KernelOf(resnet, plan, "conv1"));
        // 64 to 256 inputs on 56x56 to 14x14: Winograd; 512 on 7x7 (16 tiles): BlockedConv.
        foreach (var unit in new[] { "res2a", "res2c", "res3a", "res3d", "res4a", "res4f" })
            Assert.Equal(BlockedKernel.Winograd, KernelOf(resnet, plan, unit + "_branch2b"));
        foreach (var unit in new[] { "res5a", "res5b", "res5c" })
            Assert.Equal(BlockedKernel.Conv, KernelOf(resnet, plan, unit + "_branch2b"));
        var (squeeze, squeezePlan, _) = LayoutOf("squeezenet-forresti-v1.1", 16);
        // fire2's expand3x3 reads 16 channels: too few to spread the transforms over.
        Assert.Equal(BlockedKernel.Conv, KernelOf(squeeze, squeezePlan, "fire2/expand3x3"));
        Assert.Equal(BlockedKernel.Winograd, KernelOf(squeeze, squeezePlan, "fire4/expand3x3"));
        Assert.Equal(BlockedKernel.Winograd, KernelOf(squeeze, squeezePlan, "fire9/expand3x3"));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void SqueezeNetPoolsAndWholeBlockConcatsRunBlocked(int block)
    {
        var (graph, plan, layout) = LayoutOf("squeezenet-forresti-v1.1", block);
        // conv1 (3x3 stride 2 on the image) writes blocked for pool1, which pools blocked.
        Assert.True(layout.IsBlocked(Last(graph, "conv1")));
        Assert.True(layout.IsBlocked(Last(graph, "pool1")));
        // Each fire module's concat (64 + 64 up to 256 + 256 channels: whole blocks) is blocked when
        // both its expansions are: the 3x3 one needs a blocked KxK kernel.
        bool kxk = HasBlockedKernel(graph, plan, "fire2/expand3x3");
        var concats = graph.Nodes.Where(n => n.Type == "Concat").ToList();
        Assert.Equal(8, concats.Count);
        Assert.All(concats, c => Assert.Equal(kxk, layout.IsBlocked(c.Outputs[0])));
        Assert.Equal(kxk, layout.IsBlocked(Last(graph, "pool3")));
        Assert.Equal(kxk, layout.IsBlocked(Last(graph, "pool5")));
        // conv10 reads fire9/concat through drop9, a skipped in-place Dropout: the same blocked floats.
        Assert.Equal(kxk, layout.IsBlocked(Last(graph, "fire9/concat")));
        Assert.Equal(kxk, layout.IsBlocked(Last(graph, "conv10")));
        // pool10 (global AVE) reads conv10 blocked and writes NCHW for the softmax.
        Assert.False(layout.IsBlocked(Last(graph, "pool10")));
        Assert.All(graph.Inputs.Concat(graph.Outputs), v => Assert.False(layout.IsBlocked(v)));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void ResNet50RunsBlockedFromItsFirstConvolutionToPool5(int block)
    {
        var (graph, plan, layout) = LayoutOf("resnet50-kaiminghe-deploy", block);
        Assert.True(layout.IsBlocked(Last(graph, "conv1")));
        Assert.True(layout.IsBlocked(Last(graph, "pool1")));
        // pool5 is AVE 7x7 stride 1 on 7x7 (not global: true), read blocked; its output is fc1000's NCHW.
        Assert.False(layout.IsBlocked(Last(graph, "pool5")));
        var units = graph.Nodes.Where(n => n.Type == "Eltwise").Select(n => n.Outputs[0].Name).ToList();
        Assert.Equal(16, units.Count);
        // With a blocked 3x3 kernel, every unit's sum (fused into its last 1x1) is blocked too.
        bool kxk = HasBlockedKernel(graph, plan, "res2a_branch2b");
        Assert.All(units, u => Assert.Equal(kxk, layout.IsBlocked(Last(graph, u))));
        Assert.All(graph.Inputs.Concat(graph.Outputs), v => Assert.False(layout.IsBlocked(v)));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void BlockedPoolingEltwiseConcatAndActivationsMatchTheReference(int block)
    {
        // data 2x3x11x13 -> 3x3 (16) -> MAX 3x3/2 (ceil: 6x7, the last windows overhang) -> 1x1 (13)
        // -> 1x1 (16) and 1x1 (32) -> concat (48) -> AVE 3x3/1 pad 1 -> SUM(0.5, -1) with the concat
        // -> ReLU (unfused) -> MAX(with the concat) -> PROD(with the concat) -> 1x1 (20) -> global AVE;
        // and a concat of 13 + 16 channels (not whole blocks at 8 or 16: NCHW) -> MAX 2x2/2.
        var first = Conv("first", "data", "x", 16, 3, pad: 1);
        var pool = Pool("pool", "x", "p", PoolingParameter.Types.PoolMethod.Max, 3, 2, 0);
        var squeeze = Conv("squeeze", "p", "s", 13, 1);
        var e1 = Conv("e1", "s", "a", 16, 1);
        var e2 = Conv("e2", "s", "b", 32, 1);
        var concat = new LayerParameter { Name = "concat", Type = "Concat", Bottom = { "a", "b" }, Top = { "c" } };
        var ave = Pool("ave", "c", "v", PoolingParameter.Types.PoolMethod.Ave, 3, 1, 1);
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "v", "c" }, Top = { "e" } };
        sum.EltwiseParam = new EltwiseParameter { Operation = EltwiseParameter.Types.EltwiseOp.Sum, Coeff = { 0.5f, -1f } };
        var relu = Nets.Layer("relu", "ReLU", "e", "e");
        var max = new LayerParameter { Name = "max", Type = "Eltwise", Bottom = { "e", "c" }, Top = { "m" } };
        max.EltwiseParam = new EltwiseParameter { Operation = EltwiseParameter.Types.EltwiseOp.Max };
        var prod = new LayerParameter { Name = "prod", Type = "Eltwise", Bottom = { "m", "c" }, Top = { "q" } };
        prod.EltwiseParam = new EltwiseParameter { Operation = EltwiseParameter.Types.EltwiseOp.Prod };
        var project = Conv("project", "q", "r", 20, 1);
        var global = Nets.Layer("global", "Pooling", "r", "g");
        global.PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Ave, GlobalPooling = true };
        var odd = new LayerParameter { Name = "odd", Type = "Concat", Bottom = { "s", "a" }, Top = { "o" } };
        var oddPool = Pool("oddpool", "o", "op", PoolingParameter.Types.PoolMethod.Max, 2, 2, 0);
        var graph = Nets.Build(Nets.Input("data", 2, 3, 11, 13), first, pool, squeeze, e1, e2, concat, ave, sum, relu, max, prod,
            project, global, odd, oddPool);
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(5, "msra"));
        var inputs = NetInputs.Random(graph, 6);
        var want = new Dictionary<string, float[]>();
        using (var reference = new Executor(graph, weights))
            reference.Forward(inputs, (node, outs) => want[node.Name] = outs[0].ToArray());
        using var fused = new Executor(graph, weights, ExecutorOptions.Fast(2) with { Block = block });
        var layout = fused.Compiled.Layout;
        // s is read by the odd concat (NCHW), so the squeeze writes NCHW and e1, e2 start no run:
        // the run is first -> pool, then the squeeze ends it.
        Assert.Equal(["p", "x"], layout.Blocked.Select(v => v.Name).Order());
        var outputs = fused.Forward(inputs, (node, outs) => Near(want[node.Name], outs[0].ToArray(), node.Name));
        Near(want["global"], outputs["g"].ToArray(), "g");
        Near(want["oddpool"], outputs["op"].ToArray(), "op");

        // Without the odd concat, everything from the first convolution to the global pooling is blocked.
        var whole = Nets.Build(Nets.Input("data", 2, 3, 11, 13), first, pool, squeeze, e1, e2, concat, ave, sum, relu, max, prod, project, global);
        var wholeWeights = NetWeights.Resolve(whole, MissingWeights.Fill(5, "msra"));
        var wholeInputs = NetInputs.Random(whole, 6);
        want.Clear();
        using (var reference = new Executor(whole, wholeWeights))
            reference.Forward(wholeInputs, (node, outs) => want[node.Name] = outs[0].ToArray());
        using var blocked = new Executor(whole, wholeWeights, ExecutorOptions.Fast(2) with { Block = block });
        Assert.Equal(["a", "b", "c", "e", "e", "m", "p", "q", "r", "s", "v", "x"],
            blocked.Compiled.Layout.Blocked.Select(v => v.Name).Order());
        int seen = 0;
        var got = blocked.Forward(wholeInputs, (node, outs) => { Near(want[node.Name], outs[0].ToArray(), node.Name); seen++; });
        Assert.Equal(blocked.RunningNodes.Count(), seen);
        Near(want["global"], got["g"].ToArray(), "g");
    }

    static LayerParameter Conv(string name, string bottom, string top, uint outputs, uint kernel, uint pad = 0)
    {
        var layer = Nets.Layer(name, "Convolution", bottom, top);
        layer.ConvolutionParam = new ConvolutionParameter { NumOutput = outputs, KernelSize = { kernel } };
        if (pad > 0)
            layer.ConvolutionParam.Pad.Add(pad);
        return layer;
    }

    static LayerParameter Pool(string name, string bottom, string top, PoolingParameter.Types.PoolMethod method, uint kernel, uint stride, uint pad)
    {
        var layer = Nets.Layer(name, "Pooling", bottom, top);
        layer.PoolingParam = new PoolingParameter { Pool = method, KernelSize = kernel, Stride = stride, Pad = pad };
        return layer;
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void KxKAndStridedConvolutionsRunBlockedWithTheirShortcutAndMatchTheReference(int block)
    {
        // 3 -> 3x3 (5) -> 3x3 (19) + BN + ReLU -> 3x3 stride 2 (5) + [1x1 stride 2 of x] -> ReLU -> global average.
        var first = Nets.Layer("first", "Convolution", "data", "x");
        first.ConvolutionParam = new ConvolutionParameter { NumOutput = 5, KernelSize = { 3 }, Pad = { 1 } };
        var wide = Nets.Layer("wide", "Convolution", "x", "k");
        wide.ConvolutionParam = new ConvolutionParameter { NumOutput = 19, KernelSize = { 3 }, Pad = { 1 } };
        var down = Nets.Layer("down", "Convolution", "k", "d");
        down.ConvolutionParam = new ConvolutionParameter { NumOutput = 5, KernelSize = { 3 }, Pad = { 1 }, Stride = { 2 } };
        var skip = Nets.Layer("skip", "Convolution", "x", "s");
        skip.ConvolutionParam = new ConvolutionParameter { NumOutput = 5, KernelSize = { 1 }, Stride = { 2 } };
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "s", "d" }, Top = { "e" } };
        var pool = Nets.Layer("pool", "Pooling", "e", "g");
        pool.PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Ave, GlobalPooling = true };
        var graph = Nets.Build(Nets.Input("data", 2, 3, 9, 11), first, wide, Nets.Layer("bn", "BatchNorm", "k", "k"),
            Nets.Layer("relu", "ReLU", "k", "k"), skip, down, sum, Nets.Layer("relu2", "ReLU", "e", "e"), pool);
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(7));
        var inputs = NetInputs.Random(graph, 8);
        using var reference = new Executor(graph, weights);
        BatchNormCalibration.Calibrate(reference, inputs);
        var want = reference.Forward(inputs)["g"].ToArray();
        using var fused = new Executor(graph, weights, ExecutorOptions.Fast(2) with { Block = block });
        Assert.Equal(["first", "wide", "skip", "down", "pool"], fused.RunningNodes.Select(n => n.Name));
        var layout = fused.Compiled.Layout;
        Assert.Equal(4, layout.Blocked.Count); // x, k, s and the sum
        Assert.True(layout.IsBlocked(Last(graph, "k")));
        Near(want, fused.Forward(inputs)["g"].ToArray(), "g");
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
