using System.Text.Json;
using System.Text.RegularExpressions;
using Snapshooter;
using Snapshooter.Xunit;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Tests.Cli;

/// <summary>
/// `caffenet dump` of nets whose data layer takes its size from a database: unknown dimensions
/// show as ?, totals as lower bounds; `bench` needs --input NAME=N,C,H,W and `run` an input file.
/// </summary>
public class DumpUnknownDimsTests
{
    /// <summary>
    /// A 28 x 28 crop of an LMDB whose channel count only the database knows, so data is
    /// 16x?x28x28. conv1: (28 - 5) + 1 = 24, 16x8x24x24, weight 8 x ? x 5 x 5 unknown. pool1:
    /// ceil((24 - 2) / 2) + 1 = 12, 16x8x12x12, 16 x 8 x 12 x 12 x 4 = 73,728 ops. fc: K = 8 x 12
    /// x 12 = 1,152, params 10 x 1,152 + 10 = 11,530, MACs 16 x 1,152 x 10 = 184,320.
    /// </summary>
    const string LmdbNet = """
        name: "lmdb_net"
        layer {
          name: "data" type: "Data" top: "data" top: "label"
          transform_param { crop_size: 28 }
          data_param { source: "train_lmdb" batch_size: 16 backend: LMDB }
        }
        layer { name: "conv1" type: "Convolution" bottom: "data" top: "conv1" convolution_param { num_output: 8 kernel_size: 5 } }
        layer { name: "pool1" type: "Pooling" bottom: "conv1" top: "pool1" pooling_param { pool: MAX kernel_size: 2 stride: 2 } }
        layer { name: "fc" type: "InnerProduct" bottom: "pool1" top: "fc" inner_product_param { num_output: 10 } }
        layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc" bottom: "label" top: "loss" }
        """;

    const string Refusal =
        "layer 'data' (type Data): the shape of 'data' is not in the prototxt (Caffe reads it from the data source); give it with --input data=N,C,H,W";

    static string WriteNet(TempDir dir)
    {
        var path = dir.File("lmdb_net.prototxt");
        File.WriteAllText(path, LmdbNet);
        return path;
    }

    static string Compact(JsonElement e) => JsonSerializer.Serialize(e);

    [Fact]
    public void TextShowsUnknownDimsAndLowerBounds()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("dump", WriteNet(dir));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var lines = r.Stdout.Split('\n');
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\s+data\s+Data\s+-> data\s+16x\?x28x28$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^0\s+conv1\s+Convolution\s+data -> conv1\s+16x8x24x24\s+\?\s+\?$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^1\s+pool1\s+Pooling\s+conv1 -> pool1\s+16x8x12x12\s+0$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^2\s+fc\s+InnerProduct\s+pool1 -> fc\s+16x10\s+11,530\s+184\.32k$"));
        Assert.Contains("Params:      >= 11,530 (11.53k, 45.04 KiB as float32), 1 layer unknown", lines);
        Assert.Contains("MACs:        >= 184,320 (184.32k, convolution and inner product), 1 layer unknown", lines);
        Assert.Contains("Inputs:      data 16x?x28x28, label 16", lines);
        Assert.All(lines, l => Assert.True(l.Length <= 100, l));
    }

    [Fact]
    public void JsonHasNullForUnknownDimsAndCosts()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("dump", WriteNet(dir), "--format", "json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal("""[{"name":"data","shape":[16,null,28,28]},{"name":"label","shape":[16]}]""", Compact(root.GetProperty("inputs")));
        var layers = root.GetProperty("layers");
        Assert.Equal("""{"name":"conv1","type":"Convolution","bottoms":["data"],"tops":["conv1"],"shapes":[[16,8,24,24]],"params":null,"macs":null}""", Compact(layers[0]));
        Assert.Equal("""{"name":"fc","type":"InnerProduct","bottoms":["pool1"],"tops":["fc"],"shapes":[[16,10]],"params":11530,"macs":184320}""", Compact(layers[2]));
        var totals = root.GetProperty("totals");
        Assert.Equal(11_530, totals.GetProperty("params").GetInt64());
        Assert.Equal(184_320, totals.GetProperty("macs").GetInt64());
        Assert.True(totals.GetProperty("lower_bound").GetBoolean());
    }

    [Fact]
    public void DotLabelsShowQuestionMarks()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("dump", WriteNet(dir), "--format", "dot");
        Assert.True(r.ExitCode == 0, r.Stderr);
        Assert.Contains("\"input:data\" [shape=oval, fillcolor=\"#E0E0E0\", label=\"data\\nData\\n16x?x28x28\"];", r.Stdout);
    }

    [Fact]
    public void InputOptionMakesTheFiguresExact()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("dump", WriteNet(dir), "--input", "data=16,3,28,28", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        // conv1 8 x 3 x 5 x 5 + 8; 16 x 8 x 24 x 24 outputs of 3 x 25 MACs.
        var conv1 = root.GetProperty("layers")[0];
        Assert.Equal(8 * 3 * 25 + 8, conv1.GetProperty("params").GetInt64());
        Assert.Equal(16 * 8 * 24 * 24 * 3 * 25, conv1.GetProperty("macs").GetInt64());
        Assert.False(root.GetProperty("totals").TryGetProperty("lower_bound", out _));
        Assert.DoesNotContain("?", CliRunner.Run("dump", WriteNet(dir), "--input", "data=16,3,28,28").Stdout);
    }

    [Fact]
    public void BenchAsksForTheShapeAndRunsWithIt()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("bench", WriteNet(dir));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"caffenet bench: {Refusal}\n", r.Stderr);
        Assert.Equal("", r.Stdout);
        r = CliRunner.Run("bench", WriteNet(dir), "--input", "data=16,3,28,28", "--iterations", "1", "--warmup", "0", "--warmup-ms", "0");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("batch 16", r.Stdout);
    }

    [Fact]
    public void RunTakesTheShapeFromTheInputFile()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("run", WriteNet(dir), "--random-input");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("caffenet run: net 'lmdb_net': the shape of input 'data' is 16x?x28x28, the rest is kept in its data source; " +
            "give its values with --input data=FILE.npy\n", r.Stderr);
        Assert.Equal("", r.Stdout);
        var npy = dir.File("data.npy");
        NpyFile.Write(npy, new Tensor(new TensorShape([16, 2, 28, 28]), new float[16 * 2 * 28 * 28]));
        r = CliRunner.Run("run", WriteNet(dir), "--input", $"data={npy}", "--random-input");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("loss", r.Stdout);
    }

    public static TheoryData<string, string> CorpusNets() => new()
    {
        // Each net's last classifier: N x num_output is known whatever the images' size.
        { "alexnet-bvlc/train_val.prototxt", "fc8 50x1000" },
        { "lenet-bvlc/lenet_train_test.prototxt", "ip2 100x10" },
        { "cifar10full-bvlc/cifar10_full_train_test.prototxt", "ip1 100x10" },
    };

    [Theory]
    [MemberData(nameof(CorpusNets))]
    public void CorpusNetsWithDatabaseInputsDumpInTestPhase(string net, string classifier)
    {
        if (!Directory.Exists(TestPaths.Corpus)) return;
        var r = CliRunner.Run("dump", TestPaths.InCorpus(net), "--phase", "test", "--format", "json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.True(root.GetProperty("totals").GetProperty("lower_bound").GetBoolean());
        var (name, shape) = (classifier.Split(' ')[0], classifier.Split(' ')[1]);
        var layer = root.GetProperty("layers").EnumerateArray().Single(l => l.GetProperty("name").GetString() == name);
        Assert.Equal(shape, string.Join('x', layer.GetProperty("shapes")[0].EnumerateArray().Select(d => d.GetInt32())));
    }

    [Fact]
    public void LeNetTrainTestTextSnapshot()
    {
        if (!Directory.Exists(TestPaths.Corpus)) return;
        var r = CliRunner.Run("dump", TestPaths.InCorpus("lenet-bvlc", "lenet_train_test.prototxt"));
        Assert.True(r.ExitCode == 0, r.Stderr);
        Snapshot.Match(r.Stdout, SnapshotNameExtension.Create("lenet_train_test"));
    }
}
