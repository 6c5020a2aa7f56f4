using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Proto;
using Google.Protobuf;
using static CaffeNet.Tests.Import.Binary.Wire;

namespace CaffeNet.Tests.Import.Binary;

/// <summary>
/// The caffemodel reader that puts blob data aside (<see cref="ImportOptions.DataAside"/>, `run`
/// and `bench`) against Google.Protobuf's own parse of the same bytes: the same message, bit for
/// bit, once the data put aside is moved back into each blob's `data`; the same refusals.
/// </summary>
public class CaffemodelReaderTests
{
    static readonly ImportOptions Aside = ImportOptions.Strict with { DataAside = true };

    /// <summary>Moves every blob's data put aside back into its <c>data</c> field; returns how many blobs had some.</summary>
    static int Inline(NetParameter net)
    {
        var blobs = net.Layer.SelectMany(l => l.Blobs)
            .Concat(net.Layers.SelectMany(l => l.Blobs.Concat(l.Layer?.Blobs ?? [])));
        int aside = 0;
        foreach (var blob in blobs)
        {
            if (blob.DataAside is { } values)
            {
                Assert.Empty(blob.Data);
                Assert.Equal(values.Count, Blobs.ValueCount(blob));
                blob.Data.AddRange(values.Span.ToArray());
                blob.DataAside = null;
                aside++;
            }
        }
        return aside;
    }

    static void SameAsProtobuf(byte[] bytes, int expectAside)
    {
        var expected = BinaryFormat.Parse<NetParameter>(bytes, "f");
        var net = BinaryFormat.Parse<NetParameter>(bytes, "f", Aside);
        Assert.Equal(expectAside, Inline(net));
        // Google.Protobuf compares floats bit for bit (NaN payloads and -0 included).
        Assert.Equal(expected, net);
        Assert.True(expected.ToByteArray().AsSpan().SequenceEqual(net.ToByteArray()));
    }

    public static TheoryData<string> Caffemodels()
    {
        var files = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(TestPaths.TestData, "*.caffemodel", SearchOption.AllDirectories))
            files.Add(Path.GetRelativePath(TestPaths.Root, f));
        if (Directory.Exists(TestPaths.Corpus))
        {
            foreach (var f in Directory.GetFiles(TestPaths.Corpus, "*.caffemodel", SearchOption.AllDirectories))
                files.Add(Path.GetRelativePath(TestPaths.Root, f));
        }
        return files;
    }

    [Theory]
    [InlineData("lenet-v1", "lenet.prototxt", "lenet_iter_10000.caffemodel")]
    [InlineData("mobilenetv2", "deploy.prototxt", "calibrated-seed1.caffemodel")]
    public void ModelsLoadAsWithoutTheReaderLegacyOnesThroughTheirUpgrade(string folder, string prototxt, string weights)
    {
        // A V1 caffemodel is upgraded, and the upgrade clones the net: the floats read aside must
        // reach the upgraded blobs (they once arrived empty: "holds 0 values").
        string net = TestPaths.InTestData(folder, prototxt), caffemodel = TestPaths.InTestData(folder, weights);
        var expected = ModelLoader.Load(net, caffemodel);
        var loaded = ModelLoader.Load(net, caffemodel, Aside);
        int aside = Inline(loaded);
        Assert.Equal(expected, loaded);
        Assert.Equal(folder == "lenet-v1" ? 0 : expected.Layer.Sum(l => l.Blobs.Count), aside);
    }

    [Theory]
    [MemberData(nameof(Caffemodels))]
    public void EveryCaffemodelReadsAsProtobufReadsIt(string file)
    {
        var path = Path.Combine(TestPaths.Root, file);
        var expected = BinaryFormat.ReadNet(path);
        var net = BinaryFormat.ReadNet(path, Aside);
        int withData = expected.Layer.SelectMany(l => l.Blobs).Concat(expected.Layers.SelectMany(l => l.Blobs))
            .Count(b => b.Data.Count > 0 && b.DoubleData.Count == 0);
        Assert.True(withData > 0);
        Assert.Equal(withData, Inline(net));
        Assert.Equal(expected, net);
    }

    static byte[] Blob(params byte[][] fields) => Field(LayerBlobs, fields);

    static byte[] Packed(params float[] values) => Field(BlobData, Floats(values));

    static byte[] Unpacked(float value) => [.. Tag(BlobData, 5), .. Floats(value)];

    static byte[] Shape(params long[] dims) =>
        Field(BlobShapeField, [.. dims.SelectMany(d => VarintField(ShapeDim, (ulong)d))]);

    static byte[] Layer(params byte[][] fields) => Field(NetLayer, fields);

    [Fact]
    public void PackedUnpackedAndSplitDataJoinInFileOrder()
    {
        var bytes = Concat(
            Field(NetName, Utf8("n")),
            Layer(Field(LayerName, Utf8("a")),
                Blob(Shape(5), Packed(1, 2), Unpacked(3), Packed(float.NaN, -0f)),
                Field(LayerType, Utf8("Convolution")),
                Blob(Shape(0)),
                Blob(Packed(7), Shape(1))),
            Layer(Field(LayerName, Utf8("b")), Blob(Packed(float.PositiveInfinity, 1e-45f, float.MaxValue))));

        SameAsProtobuf(bytes, expectAside: 3);
        var net = BinaryFormat.Parse<NetParameter>(bytes, "f", Aside);
        Assert.Equal([1, 2, 3, float.NaN, -0f], net.Layer[0].Blobs[0].DataAside!.Value.Span.ToArray());
        Assert.Null(net.Layer[0].Blobs[1].DataAside);
        Assert.Equal("Convolution", net.Layer[0].Type);
    }

    [Fact]
    public void DoubleDataKeepsFloatDataWhereProtobufPutsIt()
    {
        var bytes = Layer(Field(LayerName, Utf8("a")),
            Blob(Packed(1, 2), Field(BlobDoubleData, Doubles(3, 4))),
            Blob(Field(BlobDoubleData, Doubles(5))));

        SameAsProtobuf(bytes, expectAside: 0);
        var blob = BinaryFormat.Parse<NetParameter>(bytes, "f", Aside).Layer[0].Blobs[0];
        Assert.Equal([1f, 2f], blob.Data);
        Assert.Equal(2, Blobs.ValueCount(blob));
        Assert.Equal([3f, 4f], Blobs.ValuesOf(blob));
    }

    [Fact]
    public void V1AndV0LayersAndUnknownFieldsAroundBlobs()
    {
        const int V1Blobs = 6, V1Layer = 1, V0Blobs = 50;
        var group = Concat(Tag(9000, 3), VarintField(1, 5), Field(2, Utf8("x")), Tag(9000, 4));
        var bytes = Concat(
            Field(NetLayers,
                Field(4, Utf8("v1")),
                group,
                Field(V1Blobs, Packed(1, 2, 3)),
                VarintField(8999, 1),
                Field(V1Layer, Field(1, Utf8("v0")), Field(V0Blobs, Packed(4)), Field(V0Blobs, Packed(5, 6))),
                Field(V1Layer, Field(V0Blobs, Packed(7))),
                Field(V1Blobs, Unpacked(8))),
            Layer(Field(LayerName, Utf8("c")), Field(9001, Utf8("custom")), Blob(Packed(9)), group));

        var aside = ImportOptions.Strict with { Lenient = true, DataAside = true };
        var expected = BinaryFormat.Parse<NetParameter>(bytes, "f", ImportOptions.Strict with { Lenient = true });
        var net = BinaryFormat.Parse<NetParameter>(bytes, "f", aside);
        Assert.Equal(6, Inline(net));
        Assert.Equal(expected, net);
        Assert.True(expected.ToByteArray().AsSpan().SequenceEqual(net.ToByteArray()));
        Assert.Equal([4f], expected.Layers[0].Layer.Blobs[0].Data);
        Assert.Equal([7f], expected.Layers[0].Layer.Blobs[2].Data);
    }

    [Fact]
    public void TruncatedModelsAreRefusedWithTheSameMessage()
    {
        var bytes = File.ReadAllBytes(TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel"));
        for (int tenth = 0; tenth < 10; tenth++)
        {
            var cut = bytes[..(bytes.Length * tenth / 10)];
            var expected = Assert.Throws<CaffeFormatException>(() => BinaryFormat.Parse<NetParameter>(cut, "f"));
            var e = Assert.Throws<CaffeFormatException>(() => BinaryFormat.Parse<NetParameter>(cut, "f", Aside));
            Assert.Equal(expected.Message, e.Message);
        }
    }

    [Fact]
    public void MutatedModelsReadOrFailAsProtobufDoes()
    {
        int read = 0;
        for (int i = 0; i < 3000; i++)
        {
            var bytes = BinaryFuzzTests.Mutate(i % BinaryFuzzTests.Seeds.Length, i);
            string? expectedError = null;
            NetParameter? expected = null;
            try
            {
                expected = BinaryFormat.Parse<NetParameter>(bytes, "f");
            }
            catch (CaffeFormatException e)
            {
                expectedError = e.Message;
            }
            try
            {
                var net = BinaryFormat.Parse<NetParameter>(bytes, "f", Aside);
                Assert.Null(expectedError);
                Inline(net);
                Assert.Equal(expected, net);
                read++;
            }
            catch (CaffeFormatException e)
            {
                Assert.Equal(expectedError, e.Message);
            }
        }
        // Guards the test itself: some mutants must still parse, so the comparison is exercised.
        Assert.True(read > 50, $"only {read} mutants parsed");
    }
}
