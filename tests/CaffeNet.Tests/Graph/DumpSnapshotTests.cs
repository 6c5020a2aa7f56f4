using Snapshooter;
using Snapshooter.Xunit;

namespace CaffeNet.Tests.Graph;

/// <summary>`caffenet dump` text and JSON of every model in testdata/, compared with committed snapshots.</summary>
public class DumpSnapshotTests
{
    public static TheoryData<string> Models() =>
    [
        "caffenet-v0/deploy.prototxt",
        "caffenet-v1/deploy.prototxt",
        "caffenet-v2/deploy.prototxt",
        "cifar10/cifar10_full.prototxt",
        "lenet/lenet.prototxt",
        "lenet-v1/lenet.prototxt",
        "mobilenetv2/deploy.prototxt",
        "mobilenetv2/test-1.0.prototxt",
        "mobilenetv2/train-1.0.prototxt",
        "mobilenetv2/test-0.35.prototxt",
        "mtcnn/det1.prototxt",
        "mtcnn/det3.prototxt",
    ];

    static string Name(string model) => model.Replace(".prototxt", "").Replace('/', '_').Replace('.', '_');

    static string Dump(params string[] args)
    {
        var r = CliRunner.Run(["dump", .. args]);
        Assert.True(r.ExitCode == 0, r.Stderr);
        return r.Stdout;
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Text(string model) =>
        Snapshot.Match(Dump(TestPaths.InTestData(model)), SnapshotNameExtension.Create(Name(model)));

    [Theory]
    [MemberData(nameof(Models))]
    public void Json(string model) =>
        Snapshot.Match(Dump(TestPaths.InTestData(model), "--format", "json"), SnapshotNameExtension.Create(Name(model)));
}
