using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using static CaffeNet.Tests.Graph.Nets;

namespace CaffeNet.Tests.Graph;

/// <summary>
/// Dimensions a data layer leaves to its database, carried through the shape rules as unknown
/// (only with <see cref="GraphOptions.AllowUnknownDims"/>, as `dump` sets it). Every figure is
/// worked out by hand from the layer parameters.
/// </summary>
public class UnknownDimsTests
{
    static readonly GraphOptions Allow = new() { AllowUnknownDims = true };

    static NetGraph BuildPartial(params LayerParameter[] layers) => GraphBuilder.Build(Of(layers), LayerRegistry.Default, Allow);

    static Shape P(params int?[] dims) => Shape.Partial(dims);

    /// <summary>An LMDB Data layer: batch_size known; channels only from several mean_values; H x W only from crop_size.</summary>
    static LayerParameter Data(uint batch, uint crop = 0) => new()
    {
        Name = "data", Type = "Data", Top = { "data", "label" },
        DataParam = new DataParameter { Source = "train_lmdb", BatchSize = batch },
        TransformParam = new TransformationParameter { CropSize = crop, MeanValue = { 104f } },
    };

    static LayerParameter Conv(string name, string bottom, uint outputs, uint kernel, uint pad = 0, uint stride = 1) => new()
    {
        Name = name, Type = "Convolution", Bottom = { bottom }, Top = { name },
        ConvolutionParam = new ConvolutionParameter { NumOutput = outputs, KernelSize = { kernel }, Pad = { pad }, Stride = { stride } },
    };

    static LayerParameter Pool(string name, string bottom, uint kernel, uint stride) => new()
    {
        Name = name, Type = "Pooling", Bottom = { bottom }, Top = { name },
        PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Max, KernelSize = kernel, Stride = stride },
    };

    static LayerParameter Ip(string name, string bottom, uint outputs) => new()
    {
        Name = name, Type = "InnerProduct", Bottom = { bottom }, Top = { name },
        InnerProductParam = new InnerProductParameter { NumOutput = outputs },
    };

    static LayerParameter Many(string name, string type, string top, params string[] bottoms)
    {
        var layer = new LayerParameter { Name = name, Type = type, Top = { top } };
        layer.Bottom.AddRange(bottoms);
        return layer;
    }

    static BlobProto Blob(params long[] dims)
    {
        var blob = new BlobProto { Shape = new BlobShape() };
        blob.Shape.Dim.AddRange(dims);
        return blob;
    }

    [Fact]
    public void WithoutCropOnlyTheBatchIsKnown()
    {
        var g = BuildPartial(Data(64));
        Assert.Equal(P(64, null, null, null), g.Inputs[0].Shape);
        Assert.Equal(S(64), g.Inputs[1].Shape);
        Assert.Equal("64x?x?x?", g.Inputs[0].Shape.ToString());
        Assert.True(g.HasUnknownDims);
    }

    [Fact]
    public void WithoutTheOptionTheBuilderStillAsksForTheShape()
    {
        var e = Assert.Throws<CaffeNetException>(() => Build(Data(64), Conv("conv1", "data", 20, 5)));
        Assert.Equal(
            "layer 'data' (type Data): the shape of 'data' is not in the prototxt (Caffe reads it from the data source); give it with --input data=N,C,H,W",
            e.Message);
    }

    [Fact]
    public void ConvPoolAndInnerProductKeepWhatTheParametersFix()
    {
        var g = BuildPartial(Data(8), Conv("conv", "data", 16, 3), Pool("pool", "conv", 2, 2), Ip("ip1", "pool", 10), Ip("ip2", "ip1", 5));
        var (conv, pool, ip1, ip2) = (g.Nodes[0], g.Nodes[1], g.Nodes[2], g.Nodes[3]);

        // num_output fixes the channels; H and W stay unknown; the weight needs the input channels.
        Assert.Equal(P(8, 16, null, null), conv.Outputs[0].Shape);
        Assert.Equal([P(16, null, 3, 3), S(16)], conv.ParamShapes);
        Assert.Null(conv.Cost.Params);
        Assert.Null(conv.Cost.Macs);

        Assert.Equal(P(8, 16, null, null), pool.Outputs[0].Shape);
        Assert.Equal(0, pool.Cost.Macs);
        Assert.Null(pool.Cost.ElementwiseOps);

        // K = 16 x ? x ? is unknown, so ip1's weight is; its output is N x num_output all the same.
        Assert.Equal(S(8, 10), ip1.Outputs[0].Shape);
        Assert.Equal([P(10, null), S(10)], ip1.ParamShapes);
        Assert.Null(ip1.Cost.Params);

        // From there everything is known again: 5 x 10 weights + 5 biases, 8 x 10 x 5 MACs.
        Assert.Equal(S(8, 5), ip2.Outputs[0].Shape);
        Assert.Equal(55, ip2.Cost.Params);
        Assert.Equal(400, ip2.Cost.Macs);

        var total = g.TotalCost;
        Assert.Equal(55, total.Params);
        Assert.Equal(2, total.UnknownParams);
        Assert.Equal(400, total.Macs);
        Assert.Equal(2, total.UnknownMacs);
    }

    [Fact]
    public void CropSizeFixesTheSpatialSizeSoOnlyTheChannelsAreUnknown()
    {
        var g = BuildPartial(Data(8, crop: 32), Conv("conv1", "data", 4, 3, pad: 1), Pool("pool", "conv1", 2, 2), Conv("conv2", "pool", 6, 3, pad: 1));
        Assert.Equal(P(8, null, 32, 32), g.Inputs[0].Shape);
        var (conv1, pool, conv2) = (g.Nodes[0], g.Nodes[1], g.Nodes[2]);
        // (32 + 2 - 3) / 1 + 1 = 32.
        Assert.Equal(S(8, 4, 32, 32), conv1.Outputs[0].Shape);
        Assert.Null(conv1.Cost.Params);
        // ceil((32 - 2) / 2) + 1 = 16; each output reads 2 x 2 inputs.
        Assert.Equal(S(8, 4, 16, 16), pool.Outputs[0].Shape);
        Assert.Equal(8 * 4 * 16 * 16 * 4, pool.Cost.ElementwiseOps);
        // Fully known from here: 6 x 4 x 3 x 3 weights + 6 biases.
        Assert.Equal(S(8, 6, 16, 16), conv2.Outputs[0].Shape);
        Assert.Equal(6 * 4 * 9 + 6, conv2.Cost.Params);
        Assert.Equal(8 * 6 * 16 * 16 * 4 * 9, conv2.Cost.Macs);
    }

    [Fact]
    public void WeightsGiveTheInputChannelsOfConvolutionAndInnerProduct()
    {
        var conv = Conv("conv", "data", 16, 3);
        conv.Blobs.Add(Blob(16, 3, 3, 3));
        conv.Blobs.Add(Blob(16));
        var ip = Ip("ip", "conv", 10);
        // K = 16 x 30 x 30, as a 32 x 32 input would give; the weight says so.
        ip.Blobs.Add(Blob(10, 16 * 30 * 30));
        ip.Blobs.Add(Blob(10));
        var g = BuildPartial(Data(8), conv, ip);

        Assert.Equal([S(16, 3, 3, 3), S(16)], g.Nodes[0].ParamShapes);
        Assert.Equal(16 * 3 * 9 + 16, g.Nodes[0].Cost.Params);
        Assert.Null(g.Nodes[0].Cost.Macs);
        Assert.Equal(P(8, 16, null, null), g.Nodes[0].Outputs[0].Shape);

        Assert.Equal(10 * 16 * 30 * 30 + 10, g.Nodes[1].Cost.Params);
        Assert.Equal(8L * 16 * 30 * 30 * 10, g.Nodes[1].Cost.Macs);
    }

    [Fact]
    public void LegacyFourAxisWeightsGiveTheInnerProductInputSize()
    {
        // Old caffemodels store an N x K weight as 1 x 1 x N x K (num, channels, height, width).
        var ip = Ip("ip", "data", 10);
        ip.Blobs.Add(new BlobProto { Num = 1, Channels = 1, Height = 10, Width = 3 * 32 * 32 });
        ip.Blobs.Add(new BlobProto { Num = 1, Channels = 1, Height = 1, Width = 10 });
        var g = BuildPartial(Data(8, crop: 32), ip);
        Assert.Equal([S(10, 3 * 32 * 32), S(10)], g.Nodes[0].ParamShapes);
        Assert.Equal(8L * 3 * 32 * 32 * 10, g.Nodes[0].Cost.Macs);
    }

    [Fact]
    public void ConcatAddsKnownChannelsAndKeepsUnknownSizes()
    {
        var g = BuildPartial(
            Data(2),
            Conv("a", "data", 4, 1),
            Conv("b", "data", 5, 1),
            Many("cat", "Concat", "cat", "a", "b"),
            Many("data_cat", "Concat", "data_cat", "data", "a"));
        Assert.Equal(P(2, 9, null, null), g.Nodes[2].Outputs[0].Shape);
        // ? + 4 channels is unknown.
        Assert.Equal(P(2, null, null, null), g.Nodes[3].Outputs[0].Shape);
    }

    [Fact]
    public void EltwiseTakesEachAxisFromWhicheverInputKnowsIt()
    {
        // Caffe would need the data's channels to be conv's 4, so the sum is 8 x 4 x 32 x 32.
        var sum = Many("sum", "Eltwise", "sum", "data", "conv");
        var g = BuildPartial(Data(8, crop: 32), Conv("conv", "data", 4, 1), sum);
        Assert.Equal(S(8, 4, 32, 32), g.Nodes[1].Outputs[0].Shape);
        Assert.Equal(8 * 4 * 32 * 32, g.Nodes[1].Cost.ElementwiseOps);
    }

    [Fact]
    public void EltwiseStillRejectsKnownSizesThatDiffer()
    {
        // 8x?x32x32 and 8x4x31x31 differ on H, which both know.
        var sum = Many("sum", "Eltwise", "sum", "data", "conv");
        var e = Assert.Throws<CaffeNetException>(() => BuildPartial(Data(8, crop: 32), Conv("conv", "data", 4, 2), sum));
        Assert.Equal("layer 'sum' (type Eltwise): bottoms must have equal shapes: 'data' is 8x?x32x32, 'conv' is 8x4x31x31", e.Message);
    }

    [Fact]
    public void GlobalPoolingGivesOneByOneWhateverTheInputSize()
    {
        var global = Many("gap", "Pooling", "gap", "conv");
        global.PoolingParam = new PoolingParameter { Pool = PoolingParameter.Types.PoolMethod.Ave, GlobalPooling = true };
        var g = BuildPartial(Data(8), Conv("conv", "data", 16, 3), global, Ip("fc", "gap", 10));
        Assert.Equal(S(8, 16, 1, 1), g.Nodes[1].Outputs[0].Shape);
        Assert.Null(g.Nodes[1].Cost.ElementwiseOps);
        // K = 16 x 1 x 1.
        Assert.Equal(10 * 16 + 10, g.Nodes[2].Cost.Params);
        Assert.Equal(8 * 16 * 10, g.Nodes[2].Cost.Macs);
    }

    [Fact]
    public void ElementwiseLayersCopyTheShapeAndLossesSkipTheUnknownChecks()
    {
        var loss = Many("loss", "SoftmaxWithLoss", "loss", "conv", "label");
        var g = BuildPartial(Data(8), Conv("conv", "data", 16, 3), Layer("relu", "ReLU", "conv", "conv"), loss);
        Assert.Equal(P(8, 16, null, null), g.Nodes[1].Outputs[0].Shape);
        Assert.Null(g.Nodes[1].Cost.ElementwiseOps);
        Assert.Equal(S(), g.Nodes[2].Outputs[0].Shape);
    }

    [Fact]
    public void TheRuntimeRefusesAGraphWithUnknownDims()
    {
        var g = BuildPartial(Data(8, crop: 32), Conv("conv", "data", 4, 3));
        const string message = "net 'test': the shape of input 'data' is 8x?x32x32, not fully known, so it cannot run; give it with --input data=N,C,H,W";
        Assert.Equal(message, Assert.Throws<CaffeNetException>(() => Executor.Create(g)).Message);
        Assert.Equal(message, Assert.Throws<CaffeNetException>(() => new Executor(g, NetWeights.Resolve(Build(Input("data", 1)), MissingWeights.Refuse))).Message);
    }

    [Fact]
    public void InputShapesStillWin()
    {
        var options = Allow with { InputShapes = new Dictionary<string, Shape> { ["data"] = S(8, 3, 32, 32) } };
        var g = GraphBuilder.Build(Of(Data(8), Conv("conv", "data", 4, 3)), LayerRegistry.Default, options);
        Assert.False(g.HasUnknownDims);
        Assert.Equal(S(8, 4, 30, 30), g.Nodes[0].Outputs[0].Shape);
        Assert.Equal(4 * 3 * 9 + 4, g.Nodes[0].Cost.Params);
    }

    [Fact]
    public void PartialShapesPrintAndCompare()
    {
        var a = P(64, null, 28, 28);
        Assert.Equal("64x?x28x28", a.ToString());
        Assert.False(a.IsComplete);
        Assert.Null(a.CountIfKnown);
        Assert.Equal(28 * 28, a.CountFromIfKnown(2));
        Assert.Throws<UnknownDimensionException>(() => a[1]);
        Assert.Throws<UnknownDimensionException>(() => a.Count);
        Assert.True(a.Matches(S(64, 3, 28, 28)));
        Assert.False(a.Matches(S(64, 3, 27, 28)));
        Assert.Equal(S(64, 3, 28, 28), a.Merge(S(64, 3, 28, 28)));
        Assert.True(P(64, 3, 28, 28).IsComplete);
        Assert.Equal(S(64, 3, 28, 28), P(64, 3, 28, 28));
    }
}
