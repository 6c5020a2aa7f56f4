using System.Diagnostics;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Upgrade;

namespace CaffeNet.Tests.Cli;

public class ConvertCommandTests
{
    static readonly string LeNetWeights = TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel");

    static void AssertOneLineError(CliRunner.Result r, string message)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"caffenet convert: {message}\n", r.Stderr.ReplaceLineEndings("\n"));
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void CaffemodelToPrototxtAndBackIsByteIdentical()
    {
        using var dir = new TempDir();

        var toText = CliRunner.Run("convert", LeNetWeights, dir.File("lenet.prototxt"));
        var toBinary = CliRunner.Run("convert", dir.File("lenet.prototxt"), dir.File("lenet.caffemodel"));

        Assert.Equal((0, 0), (toText.ExitCode, toBinary.ExitCode));
        Assert.Equal($"wrote {dir.File("lenet.caffemodel")}\n", toBinary.Stdout.ReplaceLineEndings("\n"));
        Assert.Equal(File.ReadAllBytes(LeNetWeights), File.ReadAllBytes(dir.File("lenet.caffemodel")));
        Assert.Equal(["lenet.caffemodel", "lenet.prototxt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void PrototxtToBinaryMatchesProtoc()
    {
        using var dir = new TempDir();
        var prototxt = TestPaths.InTestData("lenet", "lenet.prototxt");

        var r = CliRunner.Run("convert", prototxt, dir.File("lenet.pb"));

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(ProtocEncode(prototxt), File.ReadAllBytes(dir.File("lenet.pb")));
    }

    static byte[] ProtocEncode(string prototxt)
    {
        var proto = Path.Combine(TestPaths.Root, "proto");
        var psi = new ProcessStartInfo("protoc", ["--encode=caffe.NetParameter", "-I" + proto, Path.Combine(proto, "caffe.proto")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(File.ReadAllText(prototxt));
        p.StandardInput.Close();
        using var output = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(output);
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output.ToArray();
    }

    [Fact]
    public void UpgradeWritesAV1CaffemodelInV2Form()
    {
        using var dir = new TempDir();
        var v1 = TestPaths.InTestData("lenet-v1", "lenet_iter_10000.caffemodel");

        var plain = CliRunner.Run("convert", v1, dir.File("same.caffemodel"));
        var upgraded = CliRunner.Run("convert", v1, dir.File("v2.caffemodel"), "--upgrade");

        Assert.Equal((0, 0), (plain.ExitCode, upgraded.ExitCode));
        Assert.Equal(File.ReadAllBytes(v1), File.ReadAllBytes(dir.File("same.caffemodel")));
        var net = BinaryFormat.ReadNet(dir.File("v2.caffemodel"));
        Assert.False(NetUpgrader.NeedsUpgrade(net));
        Assert.Equal(["mnist", "conv1", "pool1", "conv2", "pool2", "ip1", "relu1", "ip2", "loss"], net.Layer.Select(l => l.Name));
        Assert.Equal(2, net.Layer[1].Blobs.Count);
    }

    [Fact]
    public void MeanFilesConvertAsBlobs()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("mean.prototxt"), "shape { dim: 1 dim: 2 } data: 104 data: -117.5\n");

        var r = CliRunner.Run("convert", dir.File("mean.prototxt"), dir.File("mean.binaryproto"));

        Assert.Equal(0, r.ExitCode);
        var blob = BinaryFormat.ReadBlob(dir.File("mean.binaryproto"));
        Assert.Equal([104f, -117.5f], blob.Data);
        AssertOneLineError(CliRunner.Run("convert", dir.File("mean.binaryproto"), dir.File("net.caffemodel")),
            $"cannot convert between a mean file (.binaryproto, one blob) and a binary net: " +
            $"{dir.File("mean.binaryproto")} -> {dir.File("net.caffemodel")}");
    }

    [Fact]
    public void BadInputExitsWithTwoAndLeavesTheExistingOutputAlone()
    {
        using var dir = new TempDir();
        var truncated = dir.File("cut.caffemodel");
        File.WriteAllBytes(truncated, File.ReadAllBytes(LeNetWeights)[..1000]);
        File.WriteAllText(dir.File("out.prototxt"), "old");

        var r = CliRunner.Run("convert", truncated, dir.File("out.prototxt"));

        // LeNet's first layer (the Data layer) starts at byte 90 and is 2183 bytes long.
        AssertOneLineError(r, $"{truncated}: byte 90: caffe.NetParameter.layer claims 2183 bytes " +
            "but only 906 remain before the end of the file (byte 1000)");
        Assert.Equal("old", File.ReadAllText(dir.File("out.prototxt")));
        Assert.Equal(2, Directory.GetFiles(dir.Path).Length);
    }

    [Fact]
    public void UserErrorsExitWithTwoAndOneLine()
    {
        using var dir = new TempDir();
        AssertOneLineError(CliRunner.Run("convert", dir.File("none.caffemodel"), dir.File("x.prototxt")),
            $"{dir.File("none.caffemodel")}: file not found");
        AssertOneLineError(CliRunner.Run("convert", LeNetWeights, dir.File("x.weights")),
            $"{dir.File("x.weights")}: cannot tell the output format from the extension; " +
            "use one of .prototxt .pbtxt .txt .caffemodel .pb .bin .binaryproto");
        AssertOneLineError(CliRunner.Run("convert", LeNetWeights, Path.Combine(dir.Path, "no", "x.prototxt")),
            $"{Path.Combine(dir.Path, "no", "x.prototxt")}: cannot write: folder {Path.Combine(dir.Path, "no")} does not exist");
        AssertOneLineError(CliRunner.Run("convert", LeNetWeights, dir.File("x.prototxt"), "--frobnicate"),
            "Unrecognized command or argument '--frobnicate'.");
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void HelpDescribesTheCommand()
    {
        var r = CliRunner.Run("convert", "--help");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\n  caffenet convert <IN> <OUT> [options]\n", r.Stdout.ReplaceLineEndings("\n"));
        Assert.Contains("--upgrade", r.Stdout);
        Assert.Contains("--lenient", r.Stdout);
        Assert.Contains("convert", CliRunner.Run("--help").Stdout);
    }

    [Fact]
    public void LenientSkipsForkFieldsWithAWarning()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("fork.prototxt"), "name: \"n\"\nlayer { name: \"r\" type: \"ROIPooling\" roi_pooling_param { } }\n");

        var strict = CliRunner.Run("convert", dir.File("fork.prototxt"), dir.File("fork.caffemodel"));
        var lenient = CliRunner.Run("convert", dir.File("fork.prototxt"), dir.File("fork.caffemodel"), "--lenient");

        Assert.Equal(2, strict.ExitCode);
        Assert.StartsWith($"caffenet convert: {dir.File("fork.prototxt")}:2:38: ", strict.Stderr);
        Assert.Equal(0, lenient.ExitCode);
        Assert.StartsWith($"caffenet convert: warning: {dir.File("fork.prototxt")}:2:38: ", lenient.Stderr);
        Assert.Equal("r", BinaryFormat.ReadNet(dir.File("fork.caffemodel")).Layer[0].Name);
    }
}
