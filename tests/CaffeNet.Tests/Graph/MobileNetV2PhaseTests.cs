using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Graph;

/// <summary>All nine austingg MobileNetV2 prototxts (testdata copies and the corpus) lower in both phases.</summary>
public class MobileNetV2PhaseTests
{
    public static TheoryData<string, Phase> Nets()
    {
        string[] files =
        [
            TestPaths.InTestData("mobilenetv2", "deploy.prototxt"),
            TestPaths.InTestData("mobilenetv2", "test-1.0.prototxt"),
            TestPaths.InTestData("mobilenetv2", "train-1.0.prototxt"),
            TestPaths.InTestData("mobilenetv2", "test-0.35.prototxt"),
            TestPaths.InCorpus("mobilenetv2-austingg-deploy", "MobileNet-v2-deploy.prototxt"),
            TestPaths.InCorpus("mobilenetv2-austingg-1.0", "test.prototxt"),
            TestPaths.InCorpus("mobilenetv2-austingg-1.0", "train.prototxt"),
            TestPaths.InCorpus("mobilenetv2-austingg-0.35", "test.prototxt"),
            TestPaths.InCorpus("mobilenetv2-austingg-0.35", "train.prototxt"),
        ];
        var data = new TheoryData<string, Phase>();
        foreach (var f in files)
            foreach (var phase in new[] { Phase.Test, Phase.Train })
                data.Add(f, phase);
        return data;
    }

    [Theory]
    [MemberData(nameof(Nets))]
    public void LowersWithA1000WayOutput(string file, Phase phase)
    {
        if (file.StartsWith(TestPaths.Corpus, StringComparison.Ordinal) && !Directory.Exists(TestPaths.Corpus)) return;
        var graph = GraphBuilder.Build(Models.Load(file), LayerRegistry.Default, new GraphOptions { Phase = phase });
        var classifier = graph.Nodes.Single(n => n.Name == "conv10");
        Assert.Equal(new Shape(1, 1000, 1, 1), classifier.Outputs[0].Shape);
        // BatchNorm uses its stored statistics at TEST and the batch's at TRAIN unless the file says.
        var bn = graph.Nodes.First(n => n.Type == "BatchNorm");
        Assert.Equal(bn.Layer.BatchNormParam?.HasUseGlobalStats == true ? bn.Layer.BatchNormParam.UseGlobalStats : phase == Phase.Test,
            ((BatchNormAttributes)bn.Attributes!).UseGlobalStats);
    }
}
