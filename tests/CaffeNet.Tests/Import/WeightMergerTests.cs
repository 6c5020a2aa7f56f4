using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import;

public class WeightMergerTests
{
    static readonly string LeNetWeights = TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel");

    static LayerParameter Layer(string name, string type, params BlobProto[] blobs)
    {
        var l = new LayerParameter { Name = name, Type = type };
        l.Blobs.AddRange(blobs);
        return l;
    }

    static BlobProto Blob(long[] shape, int values = -1)
    {
        var b = new BlobProto { Shape = new BlobShape() };
        b.Shape.Dim.Add(shape);
        b.Data.Add(new float[values >= 0 ? values : (int)Blobs.CountOf(shape)]);
        return b;
    }

    static BlobProto Legacy(int num, int channels, int height, int width) =>
        new() { Num = num, Channels = channels, Height = height, Width = width };

    static NetParameter Net(params LayerParameter[] layers)
    {
        var n = new NetParameter { Name = "n" };
        n.Layer.AddRange(layers);
        return n;
    }

    [Fact]
    public void CopiesBlobsByNameAndIgnoresLayersTheNetLacks()
    {
        // lenet.prototxt's deploy net: no Data or loss layer, unlike the training snapshot.
        var net = Net(Layer("data", "Input"), Layer("conv1", "Convolution"), Layer("pool1", "Pooling"),
            Layer("conv2", "Convolution"), Layer("pool2", "Pooling"), Layer("ip1", "InnerProduct"),
            Layer("relu1", "ReLU"), Layer("ip2", "InnerProduct"), Layer("prob", "Softmax"));
        var weights = BinaryFormat.ReadNet(LeNetWeights);
        var expected = weights.Layer.Single(l => l.Name == "ip2").Blobs[1].Clone();

        var merged = WeightMerger.Merge(net, weights, "w.caffemodel");

        Assert.Equal(net.Layer.Select(l => l.Name), merged.Layer.Select(l => l.Name));
        Assert.Equal([0, 2, 0, 2, 0, 2, 0, 2, 0], merged.Layer.Select(l => l.Blobs.Count));
        Assert.Equal([50, 20, 5, 5], Blobs.ShapeOf(merged.Layer[3].Blobs[0]));
        Assert.Equal(expected, merged.Layer[7].Blobs[1]);
        Assert.All(net.Layer, l => Assert.Empty(l.Blobs));
    }

    [Fact]
    public void ShapeMismatchNamesTheLayerAndBothShapes()
    {
        var net = Net(Layer("conv1", "Convolution", Blob([20, 3, 5, 5]), Blob([20])));
        var weights = Net(Layer("conv1", "Convolution", Blob([20, 1, 5, 5]), Blob([20])));

        var e = Assert.Throws<CaffeNetException>(() => WeightMerger.Merge(net, weights, "w.caffemodel"));

        Assert.Equal("w.caffemodel: layer 'conv1': cannot copy blob 0: shape mismatch. " +
            "Shape in the weights file is 20 1 5 5 (500); shape in the net is 20 3 5 5 (1500). " +
            "To learn this layer from scratch instead, rename it.", e.Message);
    }

    [Fact]
    public void BlobCountMismatchNamesTheLayerAndShapes()
    {
        var net = Net(Layer("ip", "InnerProduct", Blob([10, 4])));
        var weights = Net(Layer("ip", "InnerProduct", Blob([10, 4]), Blob([10])));

        var e = Assert.Throws<CaffeNetException>(() => WeightMerger.Merge(net, weights, "w.caffemodel"));

        Assert.Equal("w.caffemodel: layer 'ip': incompatible number of blobs: 2 in the weights file, 1 in the net " +
            "(shapes [10 4 (40), 10 (10)] vs [10 4 (40)])", e.Message);
    }

    [Theory]
    [InlineData(new long[] { 500, 800 }, true)]       // 1x1x500x800 ends in 500, 800
    [InlineData(new long[] { 1, 1, 500, 800 }, true)]
    [InlineData(new long[] { 1, 500, 800 }, true)]
    [InlineData(new long[] { 800, 500 }, false)]
    [InlineData(new long[] { 2, 500, 800 }, false)]   // the missing leading axis counts as 1, not 2
    [InlineData(new long[] { 1, 1, 1, 500, 800 }, false)] // more than 4 axes never match a legacy blob
    public void LegacyBlobsMatchByTheirTrailingAxes(long[] netShape, bool matches)
    {
        var legacy = Legacy(1, 1, 500, 800);
        legacy.Data.Add(new float[500 * 800]);
        var net = Net(Layer("ip1", "InnerProduct", Blob(netShape)));
        var weights = Net(Layer("ip1", "InnerProduct", legacy));

        var merge = () => WeightMerger.Merge(net, weights, "w");

        if (matches)
            Assert.Same(legacy, merge().Layer[0].Blobs[0]);
        else
            Assert.Contains("shape mismatch", Assert.Throws<CaffeNetException>(merge).Message);
    }

    [Fact]
    public void ABlobWithTooFewValuesForItsShapeIsRefused()
    {
        var net = Net(Layer("conv1", "Convolution"));
        var weights = Net(Layer("conv1", "Convolution", Blob([20, 1, 5, 5], values: 499)));

        var e = Assert.Throws<CaffeNetException>(() => WeightMerger.Merge(net, weights, "w.caffemodel"));

        Assert.Equal("w.caffemodel: layer 'conv1': blob 0 has shape 20 1 5 5 (500) but holds 499 values", e.Message);
    }

    [Fact]
    public void DoubleDataCountsAsTheValues()
    {
        var blob = new BlobProto { Shape = new BlobShape { Dim = { 2 } }, DoubleData = { 1.0, 2.0 } };
        var merged = WeightMerger.Merge(Net(Layer("s", "Scale")), Net(Layer("s", "Scale", blob)), "w");

        Assert.Equal([1f, 2f], Blobs.ValuesOf(merged.Layer[0].Blobs[0]));
    }

    [Fact]
    public void V1NetsMustBeUpgradedFirst()
    {
        var v1 = BinaryFormat.ReadNet(TestPaths.InTestData("lenet-v1", "lenet_iter_10000.caffemodel"));

        Assert.Throws<ArgumentException>(() => WeightMerger.Merge(new NetParameter(), v1, "w"));
    }
}
