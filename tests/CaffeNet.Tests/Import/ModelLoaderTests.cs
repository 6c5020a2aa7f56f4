using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import;

public class ModelLoaderTests
{
    /// <summary>Folders of ../shared/corpus/MANIFEST.tsv that pair a prototxt with a caffemodel.</summary>
    static IEnumerable<(string Prototxt, string Weights)> CorpusPairs()
    {
        var rows = File.ReadLines(TestPaths.InCorpus("MANIFEST.tsv")).Skip(1)
            .Select(l => l.Split('\t')).Where(r => r.Length > 5).ToList();
        foreach (var folder in rows.Where(r => r[5].StartsWith("binary", StringComparison.Ordinal)).Select(r => r[0]).Distinct())
        {
            var files = rows.Where(r => r[0] == folder).ToList();
            var net = files.Single(r => r[4] == "deploy");
            var weights = files.Single(r => r[4] == "weights");
            yield return (TestPaths.InCorpus(folder, net[2]), TestPaths.InCorpus(folder, weights[2]));
        }
    }

    [Fact]
    public void EveryCorpusCaffemodelMergesIntoItsPrototxt()
    {
        if (!Directory.Exists(TestPaths.Corpus))
            return;
        var pairs = CorpusPairs().ToList();
        Assert.Equal(6, pairs.Count);
        foreach (var (prototxt, weightsFile) in pairs)
        {
            var merged = ModelLoader.Load(prototxt, weightsFile);

            // Every layer the two files share gets exactly the file's blobs (after upgrading both).
            var weights = ModelLoader.LoadNet(weightsFile);
            var shared = merged.Layer.Where(l => weights.Layer.Any(w => w.Name == l.Name && w.Blobs.Count > 0)).ToList();
            Assert.NotEmpty(shared);
            foreach (var layer in shared)
                Assert.Equal(weights.Layer.First(w => w.Name == layer.Name).Blobs, layer.Blobs);
            Assert.Empty(merged.Layers);
        }
    }

    [Fact]
    public void LoadsAV1PrototxtWithV1WeightsAsV2()
    {
        var net = ModelLoader.Load(TestPaths.InTestData("lenet-v1", "lenet.prototxt"),
            TestPaths.InTestData("lenet-v1", "lenet_iter_10000.caffemodel"));

        Assert.Empty(net.Layers);
        var ip1 = net.Layer.Single(l => l.Name == "ip1");
        Assert.Equal("InnerProduct", ip1.Type);
        // V1 blobs keep their legacy 4-D form: 1 x 1 x 500 outputs x 800 inputs.
        Assert.Equal([1, 1, 500, 800], Blobs.ShapeOf(ip1.Blobs[0]));
        Assert.Equal(500 * 800, Blobs.ValuesOf(ip1.Blobs[0]).Length);
    }

    [Fact]
    public void LoadsV1WeightsIntoAV2Net()
    {
        var net = ModelLoader.Load(TestPaths.InTestData("lenet", "lenet.prototxt"),
            TestPaths.InTestData("lenet-v1", "lenet_iter_10000.caffemodel"));

        Assert.Equal([20, 1, 5, 5], Blobs.ShapeOf(net.Layer.Single(l => l.Name == "conv1").Blobs[0]));
    }

    [Fact]
    public void WithoutWeightsTheNetHasNoBlobs()
    {
        var net = ModelLoader.Load(TestPaths.InTestData("lenet", "lenet.prototxt"), null);

        Assert.Equal("LeNet", net.Name);
        Assert.All(net.Layer, l => Assert.Empty(l.Blobs));
    }

    [Fact]
    public void AnUnknownExtensionIsToldByContent()
    {
        using var dir = new TempDir();
        File.Copy(TestPaths.InTestData("lenet", "lenet.prototxt"), dir.File("net.def"));
        File.Copy(TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel"), dir.File("weights.dat"));

        Assert.Equal(FileFormat.Text, FileFormats.Detect(dir.File("net.def")));
        Assert.Equal(FileFormat.Binary, FileFormats.Detect(dir.File("weights.dat")));
        var net = ModelLoader.Load(dir.File("net.def"), dir.File("weights.dat"));
        Assert.Equal(2, net.Layer.Single(l => l.Name == "ip2").Blobs.Count);
    }

    [Fact]
    public void TheExtensionWinsOverContent()
    {
        using var dir = new TempDir();
        File.Copy(TestPaths.InTestData("lenet", "lenet.prototxt"), dir.File("net.caffemodel"));

        // "name: ..." read as protobuf binary: 'n' is field 13 with the invalid wire type 6.
        var e = Assert.Throws<CaffeFormatException>(() => ModelLoader.LoadNet(dir.File("net.caffemodel")));
        Assert.StartsWith($"{dir.File("net.caffemodel")}: byte 0: caffe.NetParameter.field 13 has invalid wire type 6", e.Message);
    }

    [Fact]
    public void MissingFilesAreNamed()
    {
        var e = Assert.Throws<CaffeNetException>(() => ModelLoader.Load("nope.prototxt", null));
        Assert.Equal("nope.prototxt: file not found", e.Message);
        e = Assert.Throws<CaffeNetException>(() =>
            ModelLoader.Load(TestPaths.InTestData("lenet", "lenet.prototxt"), "nope.caffemodel"));
        Assert.Equal("nope.caffemodel: file not found", e.Message);
        e = Assert.Throws<CaffeNetException>(() => ModelLoader.LoadNet("nope.model"));
        Assert.Equal("nope.model: file not found", e.Message);
    }

    [Fact]
    public void UnknownFieldsInABinaryAreKeptAndReported()
    {
        var warnings = new List<string>();
        var path = TestPaths.InTestData("mtcnn", "det1.caffemodel");

        var net = ModelLoader.LoadNet(path, new ImportOptions(Warning: warnings.Add));

        // det1's loss layer sets a softmax_param field (3) that BVLC's SoftmaxParameter lacks.
        Assert.Equal([$"{path}: byte 28002: caffe.SoftmaxParameter has no field 3 (once in the file); " +
            "binary output keeps it, prototxt output leaves it out"], warnings);
        Assert.Equal(File.ReadAllBytes(path), Google.Protobuf.MessageExtensions.ToByteArray(BinaryFormat.ReadNet(path)));
        Assert.NotEmpty(net.Layer);
    }
}
