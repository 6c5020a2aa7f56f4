using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Import;
using CaffeNet.Proto;
using static CaffeNet.Tests.Graph.Nets;

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
    public void SkipsInPlaceDropoutOnly()
    {
        var graph = Build(Input("data", 1, 3, 4, 4), Layer("drop", "Dropout", "data", "data"), Layer("drop2", "Dropout", "data", "d2"));
        var plan = GraphOptimizer.Plan(graph);
        Assert.True(plan.Skips(graph.Nodes[0]));
        Assert.False(plan.Skips(graph.Nodes[1]));
    }

    [Fact]
    public void MobileNetV2FoldsEveryBatchNormAndScale()
    {
        var graph = GraphBuilder.Build(ModelLoader.Load(TestPaths.InTestData("mobilenetv2", "deploy.prototxt"), null));
        var plan = GraphOptimizer.Plan(graph);
        int bn = graph.Nodes.Count(n => n.Type == "BatchNorm"), scale = graph.Nodes.Count(n => n.Type == "Scale");
        Assert.Equal(bn, plan.Fusions.Count(f => f.BatchNorm is not null));
        Assert.Equal(scale, plan.Fusions.Count(f => f.Scale is not null));
        Assert.Equal(graph.Nodes.Count(n => n.Type == "ReLU"), plan.Fusions.Count(f => f.Activation is not null));
    }
}
