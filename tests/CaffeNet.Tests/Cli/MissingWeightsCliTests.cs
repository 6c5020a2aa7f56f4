using CaffeNet.Import.Binary;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Cli;

/// <summary>
/// Issue 10, case 7: with --weights every learnable layer takes its blobs from the file, or the
/// command stops naming what is missing; --fill-missing is the explicit way to fill the rest; and
/// random filler weights are said plainly in the output.
/// </summary>
public class MissingWeightsCliTests
{
    static readonly string MobileNetV2 = TestPaths.InTestData("mobilenetv2", "deploy.prototxt");
    static readonly string Calibrated = TestPaths.InTestData("mobilenetv2", "calibrated-seed1.caffemodel");
    static readonly string LeNet = TestPaths.InTestData("lenet", "lenet.prototxt");
    static readonly string LeNetWeights = TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel");

    /// <summary>
    /// A caffemodel cut at a layer boundary: the first <paramref name="layers"/> layers of
    /// <paramref name="source"/>, each whole with its blobs.
    /// </summary>
    static string Truncated(TempDir dir, string source, int layers)
    {
        var net = BinaryFormat.ReadNet(source);
        var cut = new NetParameter { Name = net.Name };
        cut.Layer.AddRange(net.Layer.Take(layers));
        var path = dir.File("cut.caffemodel");
        BinaryFormat.Write(cut, path);
        return path;
    }

    static void AssertOneLineError(CliRunner.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal(expected, Assert.Single(r.Stderr.TrimEnd('\n').Split('\n')));
    }

    [Fact]
    public void RunRefusesAWeightsFileOfAnotherNet()
    {
        // MobileNetV2 shares no layer name with LeNet; its learnable layers are its 54
        // Convolution, 52 BatchNorm and 52 Scale layers.
        var r = CliRunner.Run("run", MobileNetV2, "--weights", LeNetWeights, "--random-input");

        AssertOneLineError(r, $"caffenet run: {LeNetWeights}: no weights for 158 of the net's 158 learnable layers: " +
            "'conv_1_1' (Convolution), 'bn_1_1' (BatchNorm), 'scale_1_1' (Scale) and 155 more; " +
            "--fill-missing makes them from the prototxt's fillers");
    }

    [Fact]
    public void RunRefusesACaffemodelCutAtALayerBoundary()
    {
        // The caffemodel's layers begin conv_1_1, bn_1_1, scale_1_1, relu_1_1, conv_2_1_pw, ...:
        // keeping four leaves 155 learnable layers without blobs, from conv_2_1_pw on.
        using var dir = new TempDir();
        var cut = Truncated(dir, Calibrated, 4);
        Assert.Equal(["conv_1_1", "bn_1_1", "scale_1_1", "relu_1_1"], BinaryFormat.ReadNet(cut).Layer.Select(l => l.Name));

        var r = CliRunner.Run("run", MobileNetV2, "--weights", cut, "--random-input");

        AssertOneLineError(r, $"caffenet run: {cut}: no weights for 155 of the net's 158 learnable layers: " +
            "'conv_2_1_pw' (Convolution), 'bn_2_1_pw' (BatchNorm), 'scale_2_1_pw' (Scale) and 152 more; " +
            "--fill-missing makes them from the prototxt's fillers");
    }

    [Fact]
    public void FillMissingWarnsOncePerFilledLayerAndSaysSoInTheSummary()
    {
        // LeNet's caffemodel layers: mnist (Data), conv1, pool1, conv2, ...: the first two keep
        // conv1's blobs only, so conv2, ip1 and ip2 are filled.
        using var dir = new TempDir();
        var cut = Truncated(dir, LeNetWeights, 2);

        var r = CliRunner.Run("run", LeNet, "--weights", cut, "--fill-missing", "--random-input", "--seed", "5");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal(
        [
            $"caffenet run: warning: layer 'conv2' (Convolution) has no weights in {cut}; filled from the prototxt's fillers (seed 5)",
            $"caffenet run: warning: layer 'ip1' (InnerProduct) has no weights in {cut}; filled from the prototxt's fillers (seed 5)",
            $"caffenet run: warning: layer 'ip2' (InnerProduct) has no weights in {cut}; filled from the prototxt's fillers (seed 5)",
        ], r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains($"weights: {cut}, except 3 of 4 learnable layers: random, from the prototxt's fillers (seed 5)\n", r.Stdout);
    }

    [Fact]
    public void WithoutWeightsTheSummarySaysTheyAreRandom()
    {
        var r = CliRunner.Run("run", LeNet, "--random-input", "--seed", "3");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr);
        Assert.Contains("weights: random, from the prototxt's fillers (seed 3); no --weights given\n", r.Stdout);
    }

    [Fact]
    public void TrainedWeightsGiveNoNote()
    {
        var r = CliRunner.Run("run", LeNet, "--weights", LeNetWeights, "--random-input");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Equal("", r.Stderr);
        Assert.DoesNotContain("weights:", r.Stdout);
    }

    [Fact]
    public void FillMissingNeedsAWeightsFile()
    {
        var r = CliRunner.Run("run", LeNet, "--fill-missing", "--random-input");

        AssertOneLineError(r, "caffenet run: --fill-missing applies to --weights, which is not given");
    }

    [Fact]
    public void BenchRefusesAWeightsFileOfAnotherNet()
    {
        var r = CliRunner.Run("bench", MobileNetV2, "--weights", LeNetWeights, "--iterations", "1", "--warmup", "0", "--warmup-ms", "0");

        AssertOneLineError(r, $"caffenet bench: {LeNetWeights}: no weights for 158 of the net's 158 learnable layers: " +
            "'conv_1_1' (Convolution), 'bn_1_1' (BatchNorm), 'scale_1_1' (Scale) and 155 more; " +
            "--fill-missing makes them from the prototxt's fillers");
    }

    [Fact]
    public void BenchWithoutWeightsSaysTheyAreCalibratedFillers()
    {
        var r = CliRunner.Run("bench", MobileNetV2, "--iterations", "1", "--warmup", "0", "--warmup-ms", "0", "--threads", "1");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("weights: random, from the prototxt's fillers (seed 1), BatchNorm statistics calibrated on the input; " +
            "no --weights given\n", r.Stdout);

        // LeNet has no BatchNorm, so there is nothing calibrated to mention.
        r = CliRunner.Run("bench", LeNet, "--batch", "1", "--iterations", "1", "--warmup", "0", "--warmup-ms", "0", "--threads", "1");

        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("\nweights: random, from the prototxt's fillers (seed 1); no --weights given\n", r.Stdout);
    }

    [Fact]
    public void OptimizeRefusesACaffemodelCutAtALayerBoundary()
    {
        using var dir = new TempDir();
        var cut = Truncated(dir, Calibrated, 4);

        var r = CliRunner.Run("optimize", MobileNetV2, "--weights", cut, "-o", dir.File("o.prototxt"), "--out-weights", dir.File("o.caffemodel"));

        AssertOneLineError(r, "caffenet optimize: no weights for 155 of the net's 158 learnable layers: " +
            "'conv_2_1_pw' (Convolution), 'bn_2_1_pw' (BatchNorm), 'scale_2_1_pw' (Scale) and 152 more; " +
            "folding needs trained weights for every learnable layer");
        Assert.Equal([cut], Directory.GetFileSystemEntries(dir.Path));
    }
}
