using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Proto;
using Google.Protobuf;
using static CaffeNet.Tests.Import.Binary.Wire;

namespace CaffeNet.Tests.Import.Binary;

public class BinaryFormatTests
{
    static long[] Shape(NetParameter net, string layer, int blob) =>
        Blobs.ShapeOf(net.Layer.Single(l => l.Name == layer).Blobs[blob]);

    [Fact]
    public void ReadsLeNetWeightsInShapeForm()
    {
        var net = BinaryFormat.ReadNet(TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel"));

        Assert.Equal("LeNet", net.Name);
        // LeNet: conv1 20 5x5 filters on 1 channel, conv2 50 on 20, ip1 800 -> 500, ip2 500 -> 10.
        Assert.Equal([20, 1, 5, 5], Shape(net, "conv1", 0));
        Assert.Equal([20], Shape(net, "conv1", 1));
        Assert.Equal([50, 20, 5, 5], Shape(net, "conv2", 0));
        Assert.Equal([500, 800], Shape(net, "ip1", 0));
        Assert.Equal([10, 500], Shape(net, "ip2", 0));
        Assert.Equal(20 * 5 * 5, Blobs.ValuesOf(net.Layer.Single(l => l.Name == "conv1").Blobs[0]).Length);
    }

    [Fact]
    public void ReadsV1LeNetWeightsInLegacyForm()
    {
        var net = BinaryFormat.ReadNet(TestPaths.InTestData("lenet-v1", "lenet_iter_10000.caffemodel"));

        Assert.Empty(net.Layer);
        var conv1 = net.Layers.Single(l => l.Name == "conv1");
        Assert.Equal(V1LayerParameter.Types.LayerType.Convolution, conv1.Type);
        Assert.Equal([20, 1, 5, 5], Blobs.ShapeOf(conv1.Blobs[0]));
        // Legacy blobs keep their 4 axes: a bias is 1x1x1xN, an inner product weight 1x1xOUTxIN.
        Assert.Equal([1, 1, 1, 20], Blobs.ShapeOf(conv1.Blobs[1]));
        Assert.Equal([1, 1, 500, 800], Blobs.ShapeOf(net.Layers.Single(l => l.Name == "ip1").Blobs[0]));
    }

    [Fact]
    public void EveryCorpusCaffemodelLoadsAndReEncodesToTheSameBytes()
    {
        if (!Directory.Exists(TestPaths.Corpus))
            return;
        var files = Directory.GetFiles(TestPaths.Corpus, "*.caffemodel", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var net = BinaryFormat.ReadNet(file);
            var blobs = net.Layer.SelectMany(l => l.Blobs).Concat(net.Layers.SelectMany(l => l.Blobs)).ToList();
            Assert.NotEmpty(blobs);
            foreach (var b in blobs)
                Assert.Equal(Blobs.CountOf(Blobs.ShapeOf(b)), Blobs.ValueCount(b));
            // Caffe's C++ protobuf writes fields in number order, as Google.Protobuf does: a
            // faithful parse writes back the file byte for byte (unknown fields included).
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(net.ToByteArray()), file);
        }
    }

    [Fact]
    public void ReadsAMeanFileWithDoubleData()
    {
        var bytes = Concat(
            Field(BlobShapeField, Field(ShapeDim, Varint(1), Varint(3), Varint(1), Varint(2))),
            Field(BlobDoubleData, Doubles(104.0, 117.5, 123.25, 0.5, -1, 2)));
        var blob = BinaryFormat.Parse<BlobProto>(bytes, "mean.binaryproto");

        Assert.Equal([1, 3, 1, 2], Blobs.ShapeOf(blob));
        Assert.Equal([104f, 117.5f, 123.25f, 0.5f, -1f, 2f], Blobs.ValuesOf(blob));
    }

    [Fact]
    public void ReadsLegacyShapeAndFloatData()
    {
        var bytes = Concat(VarintField(BlobNum, 1), VarintField(BlobChannels, 2), VarintField(BlobWidth, 1),
            Field(BlobData, Floats(1.5f, -2f)));
        var blob = BinaryFormat.Parse<BlobProto>(bytes, "b.binaryproto");

        // Height left out: it defaults to 0, as Caffe's legacy fields do.
        Assert.Equal([1, 2, 0, 1], Blobs.ShapeOf(blob));
        Assert.Equal([1.5f, -2f], Blobs.ValuesOf(blob));
    }

    [Fact]
    public void ReadBlobReadsABinaryprotoFile()
    {
        using var dir = new TempDir();
        var path = dir.File("mean.binaryproto");
        File.WriteAllBytes(path, Concat(Field(BlobShapeField, Field(ShapeDim, Varint(2))), Field(BlobData, Floats(7f, 8f))));

        var blob = BinaryFormat.ReadBlob(path);

        Assert.Equal([2], Blobs.ShapeOf(blob));
        Assert.Equal([7f, 8f], Blobs.ValuesOf(blob));
    }

    [Fact]
    public void AScalarBlobHasNoAxesAndOneValue()
    {
        Assert.Equal([], Blobs.ShapeOf(new BlobProto()));
        Assert.Equal(1, Blobs.CountOf([]));
        Assert.Equal("(1)", Blobs.ShapeString([]));
        Assert.Equal("20 1 5 5 (500)", Blobs.ShapeString([20, 1, 5, 5]));
    }

    [Fact]
    public void MissingFileNamesThePath()
    {
        var e = Assert.Throws<CaffeNetException>(() => BinaryFormat.ReadNet("/no/such/dir/x.caffemodel"));
        Assert.Equal("/no/such/dir/x.caffemodel: file not found (its folder does not exist)", e.Message);
        using var dir = new TempDir();
        e = Assert.Throws<CaffeNetException>(() => BinaryFormat.ReadNet(dir.File("x.caffemodel")));
        Assert.Equal(dir.File("x.caffemodel") + ": file not found", e.Message);
        e = Assert.Throws<CaffeNetException>(() => BinaryFormat.ReadNet(dir.Path));
        Assert.Equal(dir.Path + ": is a folder, not a file", e.Message);
    }

    [Fact]
    public void EmptyFileIsRefused()
    {
        using var dir = new TempDir();
        var path = dir.File("empty.caffemodel");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<CaffeFormatException>(() => BinaryFormat.ReadNet(path));
        Assert.Equal($"{path}: byte 0: file is empty; expected a binary caffe.NetParameter", e.Message);
    }
}
