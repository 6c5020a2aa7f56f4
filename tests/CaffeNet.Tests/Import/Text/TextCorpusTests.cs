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
    // 3.21): fields of forks our schema lacks, and a label map that is no net. (With BVLC's own
    // caffe.proto protoc also refuses DenseNet_121's ceil_mode, which our schema adds.)
    static readonly HashSet<string> RefusedByProtoc =
    [
        "bayesiansegnet-kendall-basic/bayesian_segnet_basic_inference.prototxt", // dense_image_data_param
        "bayesiansegnet-kendall-basic/bayesian_segnet_basic_train.prototxt",
        "faceres10ssd-opencv-deploy/deploy.prototxt",                             // norm_param
        "mobilenetssd-chuanqi305/deploy.prototxt",                                // prior_box_param
        "mobilenetssd-chuanqi305/train.prototxt",                                 // resize_param
        "mobilenetv2ssdlite-chuanqi305-voc-deploy/deploy.prototxt",               // prior_box_param
        "mobilenetv2ssdlite-chuanqi305-voc-deploy/labelmap_voc.prototxt",         // item
        "mobilenetyolo-eric612-yolov2-lite-deploy/mobilenet_yolo_lite_deploy.prototxt", // yolo_detection_output_param
        "shufflenet-farmingyard-v1-1x-g3/shufflenet_1x_g3_deploy.prototxt",       // shuffle_channel_param
        "yolov3-eric612-darknet/yolov3.prototxt",                                 // upsample_param
    ];

    // SegNet's fork adds `bn_param`, two edits from `lrn_param`: lenient mode takes it for a typo
    // and refuses the file (it reads once the schema knows the fork's field).
    static readonly Dictionary<string, string> RefusedEvenLeniently = new()
    {
        ["bayesiansegnet-kendall-basic/bayesian_segnet_basic_inference.prototxt"] =
            "bayesian_segnet_basic_inference.prototxt:53:3: caffe.LayerParameter has no field \"bn_param\"; did you mean \"lrn_param\"? (in layer[3] \"conv1_bn\")",
        ["bayesiansegnet-kendall-basic/bayesian_segnet_basic_train.prototxt"] =
            "bayesian_segnet_basic_train.prototxt:54:3: caffe.LayerParameter has no field \"bn_param\"; did you mean \"lrn_param\"? (in layer[3] \"conv1_bn\")",
    };

    static string RelativeToCorpus(string file) => Path.GetRelativePath(TestPaths.Corpus, file).Replace('\\', '/');

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
        foreach (var file in Prototxts(TestPaths.Corpus).Where(f => !RefusedEvenLeniently.ContainsKey(RelativeToCorpus(f))))
            AssertRoundTrips(file);
    }

    [Fact]
    public void LenientModeRefusesOnlyTheCorpusFilesWithANearMissField()
    {
        foreach (var file in Prototxts(TestPaths.Corpus))
        {
            string? error = null;
            try
            {
                TextFormat.ParseFile<NetParameter>(file, Lenient);
            }
            catch (CaffeFormatException e)
            {
                error = e.Message;
            }
            if (RefusedEvenLeniently.TryGetValue(RelativeToCorpus(file), out var expected))
                Assert.EndsWith(expected, error);
            else
                Assert.Null(error);
        }
    }

    [Fact]
    public void DefaultModeRefusesExactlyTheCorpusFilesProtocRefuses()
    {
        foreach (var file in Prototxts(TestPaths.Corpus))
        {
            var relative = RelativeToCorpus(file);
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
