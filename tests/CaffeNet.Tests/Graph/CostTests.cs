using CaffeNet.Graph;
using CaffeNet.Proto;
using static CaffeNet.Tests.Graph.Nets;

namespace CaffeNet.Tests.Graph;

public class CostTests
{
    [Fact]
    public void BatchNormAndScaleParamsAsACaffemodelStoresThem()
    {
        var scale = Layer("scale", "Scale", "x", "x");
        scale.ScaleParam = new ScaleParameter { BiasTerm = true };
        var g = Build(Input("x", 1, 16, 2, 2), Layer("bn", "BatchNorm", "x", "x"), scale);
        Assert.Equal([S(16), S(16), S(1)], g.Nodes[0].ParamShapes);
        Assert.Equal(2 * 16 + 1, g.Nodes[0].Cost.Params);
        Assert.Equal(16 + 16, g.Nodes[1].Cost.Params);
    }

    [Fact]
    public void PeakMemoryFreesBlobsAfterTheirLastUse()
    {
        // data 100 floats; a = relu(data) 100; in-place relu on a shares its storage; b = pool(a) 25.
        // Step 0: data + a = 800 bytes; step 1: a only (in place) = 400; step 2: a + b = 500.
        var pool = Layer("pool", "Pooling", "a", "b");
        pool.PoolingParam = new PoolingParameter { KernelSize = 2, Stride = 2 };
        var g = Build(Input("data", 1, 1, 10, 10), Layer("r1", "ReLU", "data", "a"), Layer("r2", "ReLU", "a", "a"), pool);
        Assert.Equal(800, g.PeakActivationBytes);
        Assert.Equal(100 * 4, g.Nodes[1].Cost.OutputBytes);
    }

    [Fact]
    public void MissingWeightsAreMarkedForFilling()
    {
        var ip = Layer("fc", "InnerProduct", "data", "fc");
        ip.InnerProductParam = new InnerProductParameter { NumOutput = 2 };
        var node = Build(Input("data", 1, 3), ip).Nodes[0];
        Assert.True(node.NeedsFiller);
        Assert.Equal([S(2, 3), S(2)], node.ParamShapes);
    }

    [Fact]
    public void WeightsOfTheWrongShapeAreRejected()
    {
        var ip = Layer("fc", "InnerProduct", "data", "fc");
        ip.InnerProductParam = new InnerProductParameter { NumOutput = 2 };
        ip.Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 3, 2 } } });
        ip.Blobs.Add(new BlobProto { Shape = new BlobShape { Dim = { 2 } } });
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("data", 1, 3), ip));
        Assert.Equal("layer 'fc' (type InnerProduct): weight blob 0 has shape 3x2, expected 2x3", e.Message);
    }

    [Fact]
    public void LegacyFourDimensionalBlobsFitFromTheEnd()
    {
        // A V1 caffemodel stores an inner product's 2 x 3 weight as 1x1x2x3 and its bias as 1x1x1x2.
        var ip = Layer("fc", "InnerProduct", "data", "fc");
        ip.InnerProductParam = new InnerProductParameter { NumOutput = 2 };
        ip.Blobs.Add(new BlobProto { Num = 1, Channels = 1, Height = 2, Width = 3 });
        ip.Blobs.Add(new BlobProto { Num = 1, Channels = 1, Height = 1, Width = 2 });
        Assert.False(Build(Input("data", 1, 3), ip).Nodes[0].NeedsFiller);
    }
}
