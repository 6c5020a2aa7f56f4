using CaffeNet.Import;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Tests.Cli;

/// <summary>`caffenet optimize` as a user runs it on MobileNetV2 and on bad input.</summary>
public class OptimizeCommandTests
{
    static readonly string Deploy = TestPaths.InTestData("mobilenetv2", "deploy.prototxt");
    static readonly string Calibrated = TestPaths.InTestData("mobilenetv2", "calibrated-seed1.caffemodel");

    static void AssertOneLineError(CliRunner.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.Equal($"caffenet optimize: {expected}", Assert.Single(lines));
    }

    [Fact]
    public void WritesTheFoldedMobileNetV2ThatGivesTheSameOutput()
    {
        using var dir = new TempDir();
        string prototxt = dir.File("opt.prototxt"), caffemodel = dir.File("opt.caffemodel");

        var r = CliRunner.Run("optimize", Deploy, "--weights", Calibrated, "-o", prototxt, "--out-weights", caffemodel);

        Assert.Equal(0, r.ExitCode);
        // 206 layers and the `input:` header (an Input layer once upgraded), less 52 BatchNorm,
        // 52 Scale and the Dropout.
        Assert.Equal(
            "layers: 207 -> 102 (TEST phase)\n" +
            "folded 52 BatchNorm and 52 Scale into 52 layer(s); removed 1 Dropout\n" +
            $"wrote {prototxt} ({new FileInfo(prototxt).Length} bytes) and {caffemodel} ({new FileInfo(caffemodel).Length} bytes)\n",
            r.Stdout.ReplaceLineEndings("\n"));
        var written = ModelLoader.LoadNet(prototxt);
        Assert.Equal(102, written.Layer.Count);
        Assert.DoesNotContain(written.Layer, l => l.Type is "BatchNorm" or "Scale" or "Dropout");

        var original = CliRunner.Run("run", Deploy, "--weights", Calibrated, "--random-input", "--seed", "4",
            "--output", dir.File("original"));
        var folded = CliRunner.Run("run", prototxt, "--weights", caffemodel, "--random-input", "--seed", "4",
            "--output", dir.File("folded"));
        Assert.Equal((0, 0), (original.ExitCode, folded.ExitCode));
        // The net's one output, the softmax "loss": values in [0, 1], so 1e-4 · max(1, max|x|) is 1e-4.
        var want = NpyFile.Read(Path.Combine(dir.File("original"), "loss.npy")).ToArray();
        var got = NpyFile.Read(Path.Combine(dir.File("folded"), "loss.npy")).ToArray();
        Assert.Equal(1000, got.Length);
        for (int i = 0; i < got.Length; i++)
            Assert.True(MathF.Abs(got[i] - want[i]) <= 1e-4f, $"loss[{i}]: {got[i]} vs {want[i]}");
    }

    [Fact]
    public void MissingWeightsFileIsAOneLineErrorAndWritesNothing()
    {
        using var dir = new TempDir();
        var missing = dir.File("missing.caffemodel");
        var r = CliRunner.Run("optimize", Deploy, "--weights", missing, "-o", dir.File("o.prototxt"), "--out-weights", dir.File("o.caffemodel"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.StartsWith("caffenet optimize: ", Assert.Single(r.Stderr.TrimEnd('\n').Split('\n')));
        Assert.Contains(missing, r.Stderr);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Theory]
    [InlineData("-o", "-o OUT.prototxt is required")]
    [InlineData("--out-weights", "--out-weights OUT.caffemodel is required")]
    [InlineData("--weights", "--weights W.caffemodel is required: folding BatchNorm needs its trained statistics")]
    public void EachFileOptionIsRequired(string left, string message)
    {
        using var dir = new TempDir();
        var options = new Dictionary<string, string>
        {
            ["--weights"] = Calibrated, ["-o"] = dir.File("o.prototxt"), ["--out-weights"] = dir.File("o.caffemodel"),
        };
        options.Remove(left);
        var r = CliRunner.Run(["optimize", Deploy, .. options.SelectMany(o => new[] { o.Key, o.Value })]);
        AssertOneLineError(r, message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void WeightsWithoutTheNetsLayersAreRefused()
    {
        // LeNet's caffemodel shares no layer name with MobileNetV2, so nothing is trained.
        using var dir = new TempDir();
        var r = CliRunner.Run("optimize", Deploy, "--weights", TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel"),
            "-o", dir.File("o.prototxt"), "--out-weights", dir.File("o.caffemodel"));
        // 54 Convolution, 52 BatchNorm and 52 Scale layers have blobs.
        AssertOneLineError(r, "no weights for 158 of the net's 158 learnable layers: 'conv_1_1' (Convolution), " +
            "'bn_1_1' (BatchNorm), 'scale_1_1' (Scale) and 155 more; folding needs trained weights for every learnable layer");
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AFailedCaffemodelWriteRemovesThePrototxtToo()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("optimize", Deploy, "--weights", Calibrated, "-o", dir.File("o.prototxt"),
            "--out-weights", Path.Combine(dir.Path, "no-such-folder", "o.caffemodel"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cannot write: folder", Assert.Single(r.Stderr.TrimEnd('\n').Split('\n')));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void AnOutputThatIsAnInputIsRefused()
    {
        using var dir = new TempDir();
        var model = dir.File("net.prototxt");
        File.Copy(Deploy, model);
        var r = CliRunner.Run("optimize", model, "--weights", Calibrated, "-o", model, "--out-weights", dir.File("o.caffemodel"));
        AssertOneLineError(r, "MODEL, --weights, -o and --out-weights must be four different files");
        Assert.Equal(File.ReadAllBytes(Deploy), File.ReadAllBytes(model));
        Assert.Equal([model], Directory.GetFileSystemEntries(dir.Path));
    }
}
