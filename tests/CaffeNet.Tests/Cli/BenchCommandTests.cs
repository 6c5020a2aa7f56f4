using System.Text.Json;

namespace CaffeNet.Tests.Cli;

public class BenchCommandTests
{
    static readonly string LeNet = TestPaths.InTestData("lenet", "lenet.prototxt");
    static readonly string LeNetWeights = TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void JsonHasTheSchemaBenchCompareReads(bool noFuse)
    {
        string[] args = ["bench", LeNet, "--weights", LeNetWeights, "--batch", "3", "--threads", "2", "--iterations", "4", "--warmup", "1", "--warmup-ms", "0", "--json"];
        var r = CliRunner.Run(noFuse ? [.. args, "--no-fuse"] : args);
        Assert.Equal(0, r.ExitCode);
        using var doc = JsonDocument.Parse(r.Stdout);
        var root = doc.RootElement;
        Assert.Equal(LeNet, root.GetProperty("model").GetString());
        Assert.Equal(3, root.GetProperty("batch").GetInt32());
        Assert.Equal(2, root.GetProperty("threads").GetInt32());
        Assert.Equal(4, root.GetProperty("iterations").GetInt32());
        var ms = root.GetProperty("ms");
        double min = ms.GetProperty("min").GetDouble(), median = ms.GetProperty("median").GetDouble(), max = ms.GetProperty("max").GetDouble();
        Assert.True(0 < min && min <= median && median <= max, $"{min} {median} {max}");
        var layers = root.GetProperty("layers").EnumerateArray().Select(l => (l.GetProperty("name").GetString(), l.GetProperty("type").GetString())).ToArray();
        // LeNet: conv1 pool1 conv2 pool2 ip1 relu1 ip2 prob; fused, relu1 runs inside ip1.
        Assert.Equal(noFuse ? 8 : 7, layers.Length);
        Assert.Equal(("conv1", "Convolution"), layers[0]);
        Assert.Equal(!noFuse, layers.All(l => l.Item1 != "relu1"));
    }

    [Fact]
    public void PerLayerTableNamesEveryRunningNode()
    {
        var r = CliRunner.Run("bench", LeNet, "--iterations", "2", "--warmup", "0", "--warmup-ms", "0", "--per-layer");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("forward: median", r.Stdout);
        Assert.Contains("ip1 ", r.Stdout);
        Assert.Contains("GFLOP/s", r.Stdout);
    }

    [Theory]
    [InlineData("--threads", "0")]
    [InlineData("--iterations", "0")]
    [InlineData("--batch", "-1")]
    public void BadCountsAreOneLineErrors(string option, string value)
    {
        var r = CliRunner.Run("bench", LeNet, option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith($"caffenet bench: {option} must", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("images", "2", 0, "json")]      // images split: the JSON says so
    [InlineData("auto", "2", 0, "json")]        // batch 4 over 2 threads: auto picks images
    [InlineData("images", "2", 2, "no-fuse")]   // the image split runs fused kernels only
    [InlineData("images", "1", 2, "one thread")]
    [InlineData("sideways", "2", 2, "bad mode")]
    public void SplitModes(string mode, string threads, int exitCode, string what)
    {
        string[] args = ["bench", LeNet, "--batch", "4", "--threads", threads, "--split", mode, "--iterations", "2", "--warmup", "0",
            "--warmup-ms", "0", "--json", .. what == "no-fuse" ? new[] { "--no-fuse" } : []];
        var r = CliRunner.Run(args);
        if (exitCode == 0)
        {
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("\"split\":\"images\"", r.Stdout);
        }
        else
        {
            Assert.Equal(2, r.ExitCode);
            Assert.StartsWith("caffenet bench: --split", r.Stderr);
            Assert.Single(r.Stderr.Trim().Split('\n'));
        }
    }
}
