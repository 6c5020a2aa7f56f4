using CaffeNet.Graph;
using CaffeNet.Proto;
using static CaffeNet.Tests.Graph.Nets;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Graph;

/// <summary>Single assignment, inputs and outputs, validation: the graph as a whole.</summary>
public class LoweringTests
{
    static LayerParameter Conv(string name, string bottom, string top, uint outputs) => new()
    {
        Name = name, Type = "Convolution", Bottom = { bottom }, Top = { top },
        ConvolutionParam = new() { NumOutput = outputs, KernelSize = { 1 } },
    };

    [Fact]
    public void InPlaceLayersWriteNewVersions()
    {
        var g = Build(
            Input("data", 1, 3, 4, 4),
            Conv("conv", "data", "conv", 8),
            Layer("bn", "BatchNorm", "conv", "conv"),
            Layer("scale", "Scale", "conv", "conv"),
            Layer("relu", "ReLU", "conv", "conv"),
            Conv("next", "conv", "next", 2));
        var versions = g.Nodes.Take(4).Select(n => n.Outputs[0]).ToList();
        Assert.Equal(["conv", "conv#1", "conv#2", "conv#3"], versions.Select(v => v.DisplayName));
        Assert.Equal([0, 1, 2, 3], versions.Select(v => v.Version));
        Assert.Same(versions[2], g.Nodes[3].Inputs[0]);
        Assert.Same(versions[3], g.Nodes[4].Inputs[0]);
        Assert.Equal([g.Nodes[4]], versions[3].Consumers);
        Assert.Equal(["next"], g.Outputs.Select(o => o.DisplayName));
    }

    [Fact]
    public void FanOutNeedsNoSplit()
    {
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "a", "b" }, Top = { "sum" } };
        var g = Build(Input("data", 1, 2, 2, 2), Conv("a", "data", "a", 2), Conv("b", "data", "b", 2), sum);
        Assert.Equal(2, g.Inputs[0].Consumers.Count);
        Assert.Equal(2 * 2 * 2, g.Nodes[2].Cost.ElementwiseOps);
    }

    [Fact]
    public void UnconsumedBlobsAreOutputsInFileOrder()
    {
        var slice = new LayerParameter { Name = "slice", Type = "Slice", Bottom = { "data" }, Top = { "x", "y" } };
        var silence = new LayerParameter { Name = "quiet", Type = "Silence", Bottom = { "x" } };
        var g = Build(Input("data", 2, 4), Input("unused", 1), slice, silence);
        Assert.Equal(["unused", "y"], g.Outputs.Select(o => o.Name));
    }

    [Fact]
    public void LegacyInputHeaderGivesInputs()
    {
        var net = Of(Layer("relu", "ReLU", "data", "relu"));
        net.Input.Add("data");
        net.InputDim.AddRange([1, 3, 5, 5]);
        var g = GraphBuilder.Build(net, LayerRegistry.Default);
        Assert.Equal("data", g.Inputs[0].Name);
        Assert.Equal(S(1, 3, 5, 5), g.Inputs[0].Shape);
    }

    [Fact]
    public void InputShapesFromOptionsOverrideThePrototxt()
    {
        var g = GraphBuilder.Build(Of(Input("data", 1, 3, 5, 5), Layer("relu", "ReLU", "data", "relu")), LayerRegistry.Default,
            new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = S(4, 3, 9, 9) } });
        Assert.Equal(S(4, 3, 9, 9), g.Nodes[0].Outputs[0].Shape);
    }

    [Fact]
    public void InputShapesFromOptionsReplacePlaceholderDims()
    {
        var net = Of(Input("data", 1, 3, 0, 0), Layer("relu", "ReLU", "data", "relu"));
        var e = Assert.Throws<CaffeNetException>(() => GraphBuilder.Build(net, LayerRegistry.Default));
        Assert.Equal("layer 'data' (type Input): output dimension 2 would be 0 (shape 1x3x0x0)", e.Message);
        var g = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = S(1, 3, 4, 4) } });
        Assert.Equal(S(1, 3, 4, 4), g.Inputs[0].Shape);
    }

    [Fact]
    public void InputShapeForAMissingInputIsRejected()
    {
        var e = Assert.Throws<CaffeNetException>(() => GraphBuilder.Build(Of(Input("data", 1, 3)), LayerRegistry.Default,
            new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["image"] = S(1, 3) } }));
        Assert.Equal("--input image: the net has no input named 'image' (its inputs: data)", e.Message);
    }

    [Fact]
    public void MemoryDataGivesDataAndLabelInputs()
    {
        var layer = new LayerParameter
        {
            Name = "data", Type = "MemoryData", Top = { "data", "label" },
            MemoryDataParam = new() { BatchSize = 4, Channels = 3, Height = 8, Width = 6 },
        };
        var g = Build(layer);
        Assert.Equal([S(4, 3, 8, 6), S(4)], g.Inputs.Select(i => i.Shape));
        Assert.Equal("MemoryData", g.InputTypes[g.Inputs[1]]);
    }

    [Fact]
    public void ImageDataShapeFromCropAndColour()
    {
        var layer = new LayerParameter
        {
            Name = "img", Type = "ImageData", Top = { "data", "label" },
            ImageDataParam = new() { BatchSize = 5, IsColor = false, NewHeight = 64, NewWidth = 48 },
        };
        Assert.Equal(S(5, 1, 64, 48), Build(layer).Inputs[0].Shape);
        layer.TransformParam = new TransformationParameter { CropSize = 32 };
        Assert.Equal(S(5, 1, 32, 32), Build(layer).Inputs[0].Shape);
    }

    [Fact]
    public void DataLayerShapeMustBeGiven()
    {
        var layer = new LayerParameter { Name = "mnist", Type = "Data", Top = { "data", "label" }, DataParam = new() { BatchSize = 64 } };
        var e = Assert.Throws<CaffeNetException>(() => Build(layer));
        Assert.Equal("layer 'mnist' (type Data): the shape of 'data' is not in the prototxt (Caffe reads it from the data source); give it with --input data=N,C,H,W", e.Message);

        var g = GraphBuilder.Build(Of(layer), LayerRegistry.Default, new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["data"] = S(64, 1, 28, 28) } });
        Assert.Equal([S(64, 1, 28, 28), S(64)], g.Inputs.Select(i => i.Shape));
    }

    [Fact]
    public void DataLayerChannelsFromPerChannelMeansAndSizeFromCrop()
    {
        var layer = new LayerParameter
        {
            Name = "data", Type = "Data", Top = { "data", "label" }, DataParam = new() { BatchSize = 25 },
            TransformParam = new() { CropSize = 227, MeanValue = { 104, 117, 123 } },
        };
        Assert.Equal([S(25, 3, 227, 227), S(25)], Build(layer).Inputs.Select(i => i.Shape));
    }

    [Fact]
    public void UnknownDataLayerFeedsTheNetWhenItsShapesAreGiven()
    {
        // FCN's training nets read images through a Python layer; --input supplies what it would produce.
        var python = new LayerParameter { Name = "data", Type = "Python", Top = { "data", "label" } };
        var g = GraphBuilder.Build(Of(python, Layer("relu", "ReLU", "data", "relu")), LayerRegistry.Default, new GraphOptions
        {
            InputShapes = new Dictionary<string, Shape> { ["data"] = S(1, 3, 8, 8), ["label"] = S(1, 1, 8, 8) },
        });
        Assert.Equal(["data", "label"], g.Inputs.Select(i => i.Name));
        Assert.Equal("Python", g.InputTypes[g.Inputs[0]]);
        Assert.Equal(S(1, 3, 8, 8), g.Nodes[0].Outputs[0].Shape);
    }

    [Fact]
    public void DummyDataWithLegacyDims()
    {
        var layer = new LayerParameter
        {
            Name = "dummy", Type = "DummyData", Top = { "a", "b" },
            DummyDataParam = new() { Num = { 2 }, Channels = { 3, 1 }, Height = { 4 }, Width = { 5 } },
        };
        Assert.Equal([S(2, 3, 4, 5), S(2, 1, 4, 5)], Build(layer).Inputs.Select(i => i.Shape));
    }

    [Fact]
    public void UndefinedBottomIsNamed()
    {
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("data", 1, 2), Layer("relu", "ReLU", "dat", "relu")));
        Assert.Equal("layer 'relu' (type ReLU): bottom 'dat' is not produced by any layer before it (nor is it a net input)", e.Message);
    }

    [Fact]
    public void UndefinedBottomWithAGivenShapeIsAnInput()
    {
        // farmingyard's MobileNetV2 deploy net ends in SoftmaxWithLoss over a 'label' nothing writes:
        // Caffe and OpenCV refuse it; with --input label=1 it is a net input.
        var net = Of(Input("data", 1, 2), new LayerParameter { Name = "loss", Type = "SoftmaxWithLoss", Bottom = { "data", "label" }, Top = { "loss" } });
        var g = GraphBuilder.Build(net, LayerRegistry.Default,
            new GraphOptions { InputShapes = new Dictionary<string, Shape> { ["label"] = S(1) } });
        Assert.Equal(["data", "label"], g.Inputs.Select(i => i.Name));
        Assert.Equal([S(1, 2), S(1)], g.Inputs.Select(i => i.Shape));
        Assert.Equal(S(), g.Nodes[0].Outputs[0].Shape);
    }

    [Fact]
    public void CycleIsReportedAsAForwardReference()
    {
        var e = Assert.Throws<CaffeNetException>(() => Build(
            Input("data", 1, 2),
            new LayerParameter { Name = "a", Type = "Eltwise", Bottom = { "data", "b" }, Top = { "a" } },
            Layer("b", "ReLU", "a", "b")));
        Assert.Equal("layer 'a' (type Eltwise): bottom 'b' is produced only later, by layer 'b'; layers run in file order, so this is a cycle or a layer out of place", e.Message);
    }

    [Fact]
    public void TopWrittenTwiceIsRejected()
    {
        var e = Assert.Throws<CaffeNetException>(() => Build(
            Input("data", 1, 2), Layer("a", "ReLU", "data", "x"), Layer("b", "Sigmoid", "data", "x")));
        Assert.Equal("layer 'b' (type Sigmoid): top 'x' is already written by layer 'a'; only an in-place layer (top equal to the bottom at the same position) may write a blob again", e.Message);
    }

    [Fact]
    public void InPlaceShapeChangeIsRejected()
    {
        var ip = Layer("fc", "InnerProduct", "data", "data");
        ip.InnerProductParam = new InnerProductParameter { NumOutput = 3 };
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("data", 1, 2), ip));
        Assert.Equal("layer 'fc' (type InnerProduct): works in place on 'data' but would change its shape from 1x2 to 1x3", e.Message);
    }

    [Fact]
    public void ElementCountOverflowIsRejected()
    {
        // 100000 x 100000 = 10^10 elements, more than Caffe's int count allows.
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("data", 100000, 100000)));
        Assert.Equal("layer 'data' (type Input): output shape 100000x100000 has more than 2147483647 elements", e.Message);
    }

    [Fact]
    public void UnknownTypeAtTheEndIsKeptOpaque()
    {
        var g = Build(Input("data", 1, 2), Layer("det", "Reorg", "data", "det"));
        var node = Assert.Single(g.UnknownNodes);
        Assert.False(node.IsKnown);
        Assert.False(node.Outputs[0].Shape.IsKnown);
        Assert.Equal("?", node.Outputs[0].Shape.ToString());
    }

    [Fact]
    public void ReadingAnUnknownTypeNamesIt()
    {
        var e = Assert.Throws<CaffeNetException>(() => Build(
            Input("data", 1, 2, 4, 4), Layer("up", "Reorg", "data", "up"), Layer("relu", "ReLU", "up", "relu")));
        Assert.Equal("layer 'relu' (type ReLU): bottom 'up' comes from layer 'up' of type Reorg, which CaffeNet does not support, so its shape is unknown", e.Message);
    }
}
