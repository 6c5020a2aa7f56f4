using System.Diagnostics;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using Google.Protobuf;

namespace CaffeNet.Tests.Schema;

/// <summary>
/// The corpus files of the forks read with our schema as their own protoc reads them: prototxt in
/// the default (strict) mode, caffemodels with no unknown field. Skipped where the corpus is absent.
/// </summary>
public class ForkCorpusTests
{
    /// <summary>Corpus prototxts that use fields only a fork's schema has.</summary>
    public static TheoryData<string> ForkNets =>
    [
        "bayesiansegnet-kendall-basic/bayesian_segnet_basic_inference.prototxt",
        "bayesiansegnet-kendall-basic/bayesian_segnet_basic_train.prototxt",
        "faceres10ssd-opencv-deploy/deploy.prototxt",
        "mobilenetssd-chuanqi305/deploy.prototxt",
        "mobilenetssd-chuanqi305/train.prototxt",
        "mobilenetv2ssdlite-chuanqi305-voc-deploy/deploy.prototxt",
        "mobilenetyolo-eric612-yolov2-lite-deploy/mobilenet_yolo_lite_deploy.prototxt",
        "shufflenet-farmingyard-v1-1x-g3/shufflenet_1x_g3_deploy.prototxt",
        "yolov3-eric612-darknet/yolov3.prototxt",
    ];

    [Theory]
    [MemberData(nameof(ForkNets))]
    public void ForkNetParsesStrictlyAndEncodesAsProtocDoes(string net)
    {
        var file = TestPaths.InCorpus(net);
        if (!File.Exists(file))
            return;
        var parsed = TextFormat.ParseFile<NetParameter>(file);

        Assert.Equal(ProtocEncode(File.ReadAllText(file)), parsed.ToByteArray());
        var printed = TextFormat.Print(parsed);
        Assert.Equal(parsed, TextFormat.Parse<NetParameter>(printed, net + " (printed)"));
    }

    [Fact]
    public void SsdDeployKeepsItsDetectionParameters()
    {
        var file = TestPaths.InCorpus("mobilenetssd-chuanqi305", "deploy.prototxt");
        if (!File.Exists(file))
            return;
        var net = TextFormat.ParseFile<NetParameter>(file);

        // The values the file writes.
        var prior = net.Layer.Single(l => l.Name == "conv11_mbox_priorbox").PriorBoxParam;
        Assert.Equal([60f], prior.MinSize);
        Assert.Equal([2f], prior.AspectRatio);
        Assert.Equal([0.1f, 0.1f, 0.2f, 0.2f], prior.Variance);
        Assert.True(prior.Flip);
        Assert.Equal(0.5f, prior.Offset);
        var output = net.Layer.Single(l => l.Type == "DetectionOutput").DetectionOutputParam;
        Assert.Equal(21u, output.NumClasses);
        Assert.Equal(0.45f, output.NmsParam.NmsThreshold);
        Assert.Equal(100, output.NmsParam.TopK);
        Assert.Equal(PriorBoxParameter.Types.CodeType.CenterSize, output.CodeType);
        Assert.Equal(100, output.KeepTopK);
        Assert.Equal(0.25f, output.ConfidenceThreshold);
    }

    [Fact]
    public void SegNetKeepsItsBnUpsampleAndDataParameters()
    {
        var file = TestPaths.InCorpus("bayesiansegnet-kendall-basic", "bayesian_segnet_basic_inference.prototxt");
        if (!File.Exists(file))
            return;
        var net = TextFormat.ParseFile<NetParameter>(file);

        Assert.Equal(8u, net.Layer[0].DenseImageDataParam.BatchSize);
        var bn = net.Layer.First(l => l.Type == "BN").BnParam;
        Assert.Equal(BNParameter.Types.BNMode.Inference, bn.BnMode);
        Assert.Equal(1f, bn.ScaleFiller.Value);
        Assert.Equal(0.001f, bn.ShiftFiller.Value);
        var upsample = net.Layer.First(l => l.Type == "Upsample").UpsampleParam;
        Assert.Equal(2, upsample.Scale);
        Assert.True(upsample.PadOutH);
        Assert.True(net.Layer.First(l => l.Type == "Dropout").DropoutParam.SampleWeightsTest);
    }

    [Fact]
    public void SsdLabelMapParsesAsLabelMap()
    {
        var file = TestPaths.InCorpus("mobilenetv2ssdlite-chuanqi305-voc-deploy", "labelmap_voc.prototxt");
        if (!File.Exists(file))
            return;
        var map = TextFormat.ParseFile<LabelMap>(file);

        // Background and the 20 VOC classes.
        Assert.Equal(21, map.Item.Count);
        Assert.Equal(("none_of_the_above", 0, "background"), (map.Item[0].Name, map.Item[0].Label, map.Item[0].DisplayName));
        Assert.Equal(Enumerable.Range(0, 21), map.Item.Select(i => i.Label));
    }

    [Fact]
    public void CorpusCaffemodelsDecodeStrictlyWithNoUnknownField()
    {
        if (!Directory.Exists(TestPaths.Corpus))
            return;
        // kpzhang93's MTCNN was trained with a Caffe whose schema is not public: field 3 of its
        // SoftmaxParameter (a float) and field 4 of its LossParameter (an integer) are unknown here.
        var expected = new Dictionary<string, string[]>
        {
            ["det1.caffemodel"] = ["caffe.SoftmaxParameter has no field 3 (once in the file)"],
            ["det3.caffemodel"] = ["caffe.LossParameter has no field 4 (2 times in the file)"],
        };
        var files = Directory.GetFiles(TestPaths.Corpus, "*.caffemodel", SearchOption.AllDirectories);
        Assert.True(files.Length >= 6);
        foreach (var file in files)
        {
            var warnings = new List<string>();
            BinaryFormat.ReadNet(file, new ImportOptions(Warning: warnings.Add));
            var want = expected.GetValueOrDefault(Path.GetFileName(file), []);
            Assert.True(want.Length == warnings.Count && want.Zip(warnings).All(p => p.Second.Contains(p.First, StringComparison.Ordinal)),
                $"{file}: {string.Join(" | ", warnings)}");
        }
    }

    [Fact]
    public void YoloCaffemodelDecodesItsForkFields()
    {
        var file = TestPaths.InCorpus("mobilenetyolov3lite-eric612-tusimple-weights", "mobilenet_yolov3_lite_deploy_iter_50000.caffemodel");
        if (!File.Exists(file))
            return;
        var net = BinaryFormat.ReadNet(file);

        // As `protoc --decode` with MobileNet-YOLO's own caffe.proto prints them.
        var data = net.Layer[0];
        Assert.Equal("LaneData", data.Type);
        var resize = Assert.Single(data.TransformParam.ResizeParam);
        Assert.Equal((1f, ResizeParameter.Types.Resize_mode.Warp, 512u, 512u), (resize.Prob, resize.ResizeMode, resize.Height, resize.Width));
        Assert.Equal([ResizeParameter.Types.Interp_mode.Linear, ResizeParameter.Types.Interp_mode.Area, ResizeParameter.Types.Interp_mode.Lanczos4],
            resize.InterpMode);
        Assert.Equal(EmitConstraint.Types.EmitType.Center, data.TransformParam.EmitConstraint.EmitType);
        Assert.Equal((0.5f, 32f, 18f, 1.5f), (data.TransformParam.DistortParam.BrightnessProb, data.TransformParam.DistortParam.BrightnessDelta,
            data.TransformParam.DistortParam.HueDelta, data.TransformParam.DistortParam.SaturationUpper));
        var annotated = data.AnnotatedDataParam;
        Assert.Equal(("data/VOC0712/labelmap_voc.prototxt", 1, 0.4f, 4), (annotated.LabelMapFile, annotated.YoloDataType, annotated.YoloDataJitter, annotated.SegScales));
        Assert.Equal(0.5f, net.Layer.Single(l => l.Type == "YoloSeg").YoloSegParam.ObjectScale);
    }

    [Fact]
    public void ForkLayersOutsideTheCorpusParseStrictly()
    {
        // Layers as PSPNet, MobileNet-YOLO and SegNet write them, none of which the corpus has.
        const string text = """
            layer { name: "bn" type: "BN" bottom: "x" top: "x"
              bn_param { slope_filler { type: "constant" value: 1 } bias_filler { type: "constant" value: 0 } frozen: true momentum: 0.95 } }
            layer { name: "up" type: "Interp" bottom: "x" top: "y" interp_param { zoom_factor: 8 pad_beg: -1 } }
            layer { name: "r6" type: "ReLU6" bottom: "y" top: "y" relu6_param { negative_slope: 0 } }
            layer { name: "reorg" type: "Reorg" bottom: "y" top: "z" reorg_param { stride: 2 } }
            layer { name: "loss" type: "SoftmaxWithLoss" bottom: "z" bottom: "label"
              loss_param { weight_by_label_freqs: true class_weighting: 0.25 class_weighting: 4 } }
            """;
        var net = TextFormat.Parse<NetParameter>(text, "forks.prototxt");

        Assert.Equal((true, 0.95f, 1e-5f), (net.Layer[0].BnParam.Frozen, net.Layer[0].BnParam.Momentum, net.Layer[0].BnParam.Eps));
        Assert.Equal((8, 1, -1, 0), (net.Layer[1].InterpParam.ZoomFactor, net.Layer[1].InterpParam.ShrinkFactor,
            net.Layer[1].InterpParam.PadBeg, net.Layer[1].InterpParam.Height));
        Assert.True(net.Layer[2].Relu6Param.HasNegativeSlope);
        Assert.Equal(2u, net.Layer[3].ReorgParam.Stride);
        Assert.Equal([0.25f, 4f], net.Layer[4].LossParam.ClassWeighting);
        Assert.Equal(ProtocEncode(text), net.ToByteArray());
    }

    static byte[] ProtocEncode(string text)
    {
        var proto = Path.Combine(TestPaths.Root, "proto");
        var psi = new ProcessStartInfo("protoc", ["--encode=caffe.NetParameter", "-I" + proto, Path.Combine(proto, "caffe.proto")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(text);
        p.StandardInput.Close();
        using var output = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(output);
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, error);
        return output.ToArray();
    }
}
