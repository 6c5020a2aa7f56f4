using CaffeNet.Import;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using Google.Protobuf;

namespace CaffeNet.Tests.Import.Text;

/// <summary>Real files: every prototxt reads, prints and reads back the same; weights survive text bit for bit.</summary>
public class TextCorpusTests
{
    static readonly TextParseOptions Lenient = new() { Lenient = true };

    // The corpus prototxts `protoc --encode=caffe.NetParameter proto/caffe.proto` refuses (protoc
    // 3.21): a label map, which is no net (it parses as caffe.LabelMap). Every fork net of the
    // corpus parses: our schema has the forks' fields. (With BVLC's own caffe.proto protoc also
    // refuses DenseNet_121's ceil_mode and the fork nets.)
    static readonly HashSet<string> RefusedByProtoc =
    [
        "mobilenetv2ssdlite-chuanqi305-voc-deploy/labelmap_voc.prototxt",         // item
    ];

    static IEnumerable<string> Prototxts(string dir) =>
        Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "*.prototxt", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            : [];

    static void AssertRoundTrips(string file)
    {
        var read = TextFormat.ParseFile<NetParameter>(file, Lenient);
        var text = TextFormat.Print(read);
        // Printed text holds only known fields, so the default mode reads it.
        var reread = TextFormat.Parse<NetParameter>(text, file + " (printed)");
        Assert.True(read.Equals(reread), file);
        Assert.Equal(read.ToByteArray(), reread.ToByteArray());
        Assert.Equal(text, TextFormat.Print(reread));
    }

    [Fact]
    public void TestDataRoundTrips()
    {
        var files = Prototxts(TestPaths.TestData).ToList();
        Assert.True(files.Count >= 11);
        foreach (var file in files)
            AssertRoundTrips(file);
    }

    [Fact]
    public void CorpusRoundTrips()
    {
        foreach (var file in Prototxts(TestPaths.Corpus))
            AssertRoundTrips(file);
    }

    [Fact]
    public void DefaultModeRefusesExactlyTheCorpusFilesProtocRefuses()
    {
        foreach (var file in Prototxts(TestPaths.Corpus))
        {
            var relative = Path.GetRelativePath(TestPaths.Corpus, file).Replace('\\', '/');
            bool refused = false;
            try
            {
                TextFormat.ParseFile<NetParameter>(file);
            }
            catch (CaffeFormatException)
            {
                refused = true;
            }
            Assert.True(refused == RefusedByProtoc.Contains(relative), $"{relative}: refused={refused}");
        }
    }

    [Fact]
    public void TestDataNetsAreAllAccepted()
    {
        foreach (var file in Prototxts(TestPaths.TestData))
            TextFormat.ParseFile<NetParameter>(file);
    }

    [Theory]
    [InlineData("mtcnn", "det1.caffemodel")]
    [InlineData("mtcnn", "det3.caffemodel")]
    public void CaffemodelThroughTextIsBitIdentical(string dir, string file)
    {
        // mtcnn's files carry fields of a fork's schema (det1: softmax_param field 3). Fields the
        // schema lacks have no name to print, so they are left out; protoc prints `3: 0x3e800000`,
        // which no text reader takes back.
        var model = NetParameter.Parser.WithDiscardUnknownFields(true).ParseFrom(File.ReadAllBytes(TestPaths.InTestData(dir, file)));
        var text = TextFormat.Print(model);
        var back = TextFormat.Parse<NetParameter>(text, file + ".prototxt");
        Assert.True(model.Equals(back));
        Assert.Equal(model.ToByteArray(), back.ToByteArray());
    }

    [Fact]
    public void CaffemodelThroughTextGivesBackCaffesBytes()
    {
        // Caffe wrote this file; text and back must reproduce it byte for byte.
        var bytes = File.ReadAllBytes(TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel"));
        var model = NetParameter.Parser.ParseFrom(bytes);
        // conv1, conv2, ip1, ip2 weights and biases: 500+20 + 25000+50 + 400000+500 + 5000+10 floats.
        Assert.Equal(431_080, model.Layer.SelectMany(l => l.Blobs).Sum(b => b.Data.Count));
        var text = TextFormat.Print(model);
        Assert.Equal(bytes, TextFormat.Parse<NetParameter>(text, "lenet.prototxt").ToByteArray());
    }
}
