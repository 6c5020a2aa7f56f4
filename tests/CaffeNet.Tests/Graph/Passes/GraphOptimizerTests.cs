using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Import;
using CaffeNet.Proto;
using static CaffeNet.Tests.Graph.Nets;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Graph.Passes;

public class GraphOptimizerTests
{
    static LayerParameter Conv(string name, string bottom, string top)
    {
        var conv = Layer(name, "Convolution", bottom, top);
        conv.ConvolutionParam = new ConvolutionParameter { NumOutput = 2, KernelSize = { 1 } };
        return conv;
    }

    static LayerParameter Scale(string bottom) =>
        new() { Name = "scale", Type = "Scale", Bottom = { bottom }, Top = { bottom }, ScaleParam = new ScaleParameter { BiasTerm = true } };

    [Fact]
    public void FoldsInPlaceBatchNormScaleAndReluIntoTheConvolution()
    {
        var graph = Build(Input("data", 1, 3, 4, 4), Conv("conv", "data", "c"), Layer("bn", "BatchNorm", "c", "c"), Scale("c"),
            Layer("relu", "ReLU", "c", "c"), Layer("sig", "Sigmoid", "c", "p"));
        var plan = GraphOptimizer.Plan(graph);
        var fusion = Assert.Single(plan.Fusions);
        Assert.Equal(["conv", "bn", "scale", "relu"], new[] { fusion.Anchor }.Concat(fusion.Absorbed).Select(n => n.Name));
        Assert.Equal(["conv", "sig"], graph.Nodes.Where(n => !plan.Skips(n)).Select(n => n.Name));
    }

    [Fact]
    public void NoFoldWhenTheConvolutionOutputHasAnotherReader()
    {
        // "c" is read by the BatchNorm and by the Eltwise: folding would change what the Eltwise sees.
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "c", "b" }, Top = { "sum" } };
        var graph = Build(Input("data", 1, 3, 4, 4), Conv("conv", "data", "c"), Layer("bn", "BatchNorm", "c", "b"), sum);
        var fusion = Assert.Single(GraphOptimizer.Plan(graph).Fusions);
        Assert.Empty(fusion.Absorbed);
    }

    [Fact]
    public void NoFoldIntoAnOutOfPlaceBatchNormOrALeakyRelu()
    {
        var leaky = Layer("relu", "ReLU", "c", "c");
        leaky.ReluParam = new ReLUParameter { NegativeSlope = 0.1f };
        var graph = Build(Input("data", 1, 3, 4, 4), Conv("conv", "data", "c"), leaky,
            Conv("conv2", "c", "d"), Layer("bn", "BatchNorm", "d", "e"));
        var plan = GraphOptimizer.Plan(graph);
        Assert.All(plan.Fusions, f => Assert.Empty(f.Absorbed));
        Assert.DoesNotContain(graph.Nodes, plan.Skips);
    }

    [Fact]
    public void NoFoldIntoAnInnerProductWhoseOutputsAreNotOnAxisOne()
    {
        // axis 2: the output is 1x2x5, the 5 outputs on axis 2; BatchNorm normalises the 2 channels of axis 1.
        var ip = Layer("ip", "InnerProduct", "data", "y");
        ip.InnerProductParam = new InnerProductParameter { NumOutput = 5, Axis = 2 };
        var graph = Build(Input("data", 1, 2, 3, 4), ip, Layer("bn", "BatchNorm", "y", "y"));
        Assert.Empty(GraphOptimizer.Plan(graph).Fusions);
    }

    [Fact]
    public void ChainsADepthwiseConvolutionToTheExpansionBeforeItWhereTheExpandedTensorOutgrowsTheCache()
    {
        var graph = GraphBuilder.Build(Models.Load(TestPaths.InTestData("mobilenetv2", "deploy.prototxt")), LayerRegistry.Default);
        Node At(string name) => graph.Nodes.Single(n => n.Name == name);
        var plan = GraphOptimizer.Plan(graph, chain: true);
        // Expanded tensors of 32x112x112, 96x112x112 and 144x56x56 floats (1.6 to 4.8 MB); conv_4_2's
        // 192x28x28 (0.6 MB) stays in L2 between the two layers, so it is not chained.
        Assert.Equal(["conv_2_1_pw", "conv_3_1_pw", "conv_3_2_pw", "conv_4_1_pw"],
            plan.Fusions.Where(f => f.Depthwise is not null).Select(f => f.Anchor.Name).Order());
        var pair = plan.FusionAt(At("conv_3_1_pw"))!;
        Assert.Equal("conv_3_1_dw", pair.Depthwise!.Anchor.Name);
        Assert.Equal(["bn_3_1_pw", "scale_3_1_pw", "relu_3_1_pw", "conv_3_1_dw", "bn_3_1_dw", "scale_3_1_dw", "relu_3_1_dw"],
            pair.Absorbed.Select(n => n.Name));
        // The pair writes the depthwise result at the expansion's step; the depthwise no longer runs on its own.
        Assert.Equal("conv_3_1_dw", pair.Result.Name);
        Assert.Equal(pair.Anchor.Index, plan.WrittenAt(pair.Result));
        Assert.True(plan.Skips(At("conv_3_1_dw")));
        Assert.Null(plan.FusionAt(At("conv_3_1_dw")));

        // Not unless asked, nor where the expanded tensor is kept.
        Assert.DoesNotContain(GraphOptimizer.Plan(graph).Fusions, f => f.Depthwise is not null);
        var keeping = GraphOptimizer.Plan(graph, new HashSet<Value> { pair.OwnResult }, chain: true);
        Assert.Null(keeping.FusionAt(At("conv_3_1_pw"))!.Depthwise);
        Assert.NotNull(keeping.FusionAt(At("conv_3_1_dw")));
        Assert.NotNull(keeping.FusionAt(At("conv_3_2_pw"))!.Depthwise);
    }

    static LayerParameter Sum(string name, string a, string b, string top, params float[] coefficients)
    {
        var sum = new LayerParameter { Name = name, Type = "Eltwise", Bottom = { a, b }, Top = { top } };
        if (coefficients.Length > 0)
            sum.EltwiseParam = new EltwiseParameter { Coeff = { coefficients } };
        return sum;
    }

    [Fact]
    public void FusesTheShortcutSumAndTheReluAfterItIntoTheProjection()
    {
        var graph = Build(Input("data", 1, 2, 4, 4), Conv("conv", "data", "c"), Layer("bn", "BatchNorm", "c", "c"), Scale("c"),
            Sum("sum", "data", "c", "s"), Layer("relu", "ReLU", "s", "s"));
        var plan = GraphOptimizer.Plan(graph);
        var fusion = Assert.Single(plan.Fusions);
        Assert.Equal(["bn", "scale", "sum", "relu"], fusion.Absorbed.Select(n => n.Name));
        Assert.Equal("data", fusion.Residual?.Name);
        Assert.Equal("s", fusion.Result.Name);
        Assert.Equal(["conv"], graph.Nodes.Where(n => !plan.Skips(n)).Select(n => n.Name));
        // The fused node writes the sum at the convolution's step, not at the Eltwise's.
        Assert.Equal(0, plan.WrittenAt(fusion.Result));
        Assert.Equal(3, fusion.Eltwise!.Index);
    }

    [Fact]
    public void TheSumFusesIntoWhicheverInputIsComputedLast()
    {
        // "c" is ready before conv2 runs, so conv2 absorbs the sum; conv cannot (d is not ready yet).
        var graph = Build(Input("data", 1, 2, 4, 4), Conv("conv", "data", "c"), Conv("conv2", "data", "d"), Sum("sum", "c", "d", "s"));
        var fusions = GraphOptimizer.Plan(graph).Fusions.ToDictionary(f => f.Anchor.Name);
        Assert.Null(fusions["conv"].Eltwise);
        Assert.Equal("sum", fusions["conv2"].Eltwise?.Name);
        Assert.Equal("c", fusions["conv2"].Residual?.Name);
    }

    [Fact]
    public void NoShortcutFusionAfterAnActivationWithCoefficientsOrIntoTheOtherInputsBlob()
    {
        var afterRelu = Build(Input("data", 1, 2, 4, 4), Conv("conv", "data", "c"), Layer("relu", "ReLU", "c", "c"), Sum("sum", "data", "c", "s"));
        Assert.Equal(["relu"], Assert.Single(GraphOptimizer.Plan(afterRelu).Fusions).Absorbed.Select(n => n.Name));
        var weighted = Build(Input("data", 1, 2, 4, 4), Conv("conv", "data", "c"), Sum("sum", "data", "c", "s", 1, -1));
        Assert.Null(Assert.Single(GraphOptimizer.Plan(weighted).Fusions).Eltwise);
        // The sum overwrites "data" in place: the epilogue would overwrite what it adds.
        var inPlace = Build(Input("data", 1, 2, 4, 4), Conv("conv", "data", "c"), Sum("sum", "data", "c", "data"));
        Assert.Null(Assert.Single(GraphOptimizer.Plan(inPlace).Fusions).Eltwise);
        var product = Sum("sum", "data", "c", "s");
        product.EltwiseParam = new EltwiseParameter { Operation = EltwiseParameter.Types.EltwiseOp.Prod };
        var multiplied = Build(Input("data", 1, 2, 4, 4), Conv("conv", "data", "c"), product);
        Assert.Null(Assert.Single(GraphOptimizer.Plan(multiplied).Fusions).Eltwise);
    }

    [Fact]
    public void SkipsDropoutAndSplitAndLetsTheirTopsShareTheBottom()
    {
        var split = new LayerParameter { Name = "split", Type = "Split", Bottom = { "d2" }, Top = { "s1", "s2" } };
        var graph = Build(Input("data", 1, 3, 4, 4), Layer("drop", "Dropout", "data", "data"), Layer("drop2", "Dropout", "data", "d2"),
            split, Layer("sig", "Sigmoid", "s1", "p"), Layer("tanh", "TanH", "s2", "q"));
        var plan = GraphOptimizer.Plan(graph);
        Assert.Equal(["sig", "tanh"], graph.Nodes.Where(n => !plan.Skips(n)).Select(n => n.Name));
        var data = graph.Values.Single(v => v.Name == "data" && v.Version == 1);
        Assert.All(new[] { "d2", "s1", "s2" }, name => Assert.Same(data, plan.StorageOf(graph.Values.Single(v => v.Name == name))));
    }

    [Fact]
    public void KeepsACopyWhenEitherSideIsWrittenAgain()
    {
        // A ReLU in place on s1 would show through s2; one in place on data after the split would
        // show through both tops.
        var split = new LayerParameter { Name = "split", Type = "Split", Bottom = { "data" }, Top = { "s1", "s2" } };
        var onTop = Build(Input("data", 1, 3, 4, 4), split, Layer("relu", "ReLU", "s1", "s1"), Layer("sig", "Sigmoid", "s2", "p"));
        Assert.False(GraphOptimizer.Plan(onTop).Skips(onTop.Nodes[0]));
        var onBottom = Build(Input("data", 1, 3, 4, 4), split, Layer("relu", "ReLU", "data", "data"), Layer("sig", "Sigmoid", "s2", "p"));
        Assert.False(GraphOptimizer.Plan(onBottom).Skips(onBottom.Nodes[0]));
    }

    [Fact]
    public void MobileNetV2FoldsEveryBatchNormAndScale()
    {
        var graph = GraphBuilder.Build(ModelLoader.Load(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), null), LayerRegistry.Default);
        var plan = GraphOptimizer.Plan(graph);
        int bn = graph.Nodes.Count(n => n.Type == "BatchNorm"), scale = graph.Nodes.Count(n => n.Type == "Scale");
        Assert.Equal(bn, plan.Fusions.Count(f => f.BatchNorm is not null));
        Assert.Equal(scale, plan.Fusions.Count(f => f.Scale is not null));
        Assert.Equal(graph.Nodes.Count(n => n.Type == "ReLU"), plan.Fusions.Count(f => f.Activation is not null));
    }
}
