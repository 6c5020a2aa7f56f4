using System.Text.Json;

namespace CaffeNet.Tests.Graph;

/// <summary>`caffenet dump` as a user runs it.</summary>
public class DumpCommandTests
{
    static readonly string LeNet = TestPaths.InTestData("lenet", "lenet.prototxt");

    [Fact]
    public void JsonHasTheDocumentedSchemaAndLeNetsCounts()
    {
        var r = CliRunner.Run("dump", LeNet, "--format", "json");
        Assert.Equal(0, r.ExitCode);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.Equal(["name", "inputs", "outputs", "layers", "totals"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("LeNet", root.GetProperty("name").GetString());
        Assert.Equal("""[{"name":"data","shape":[64,1,28,28]}]""", Compact(root.GetProperty("inputs")));
        Assert.Equal("""[{"name":"prob","shape":[64,10]}]""", Compact(root.GetProperty("outputs")));

        var conv1 = root.GetProperty("layers")[0];
        Assert.Equal(["name", "type", "bottoms", "tops", "shapes", "params", "macs"], conv1.EnumerateObject().Select(p => p.Name));
        // 20 filters of 1 x 5 x 5 and 20 biases; 64 x 20 x 24 x 24 outputs of 25 MACs each.
        Assert.Equal("""{"name":"conv1","type":"Convolution","bottoms":["data"],"tops":["conv1"],"shapes":[[64,20,24,24]],"params":520,"macs":18432000}""", Compact(conv1));

        // conv2 50x20x5x5+50, ip1 500x800+500, ip2 10x500+10; MACs 64 x (20x24x24x25 + 50x8x8x500 + 800x500 + 500x10).
        var totals = root.GetProperty("totals");
        Assert.Equal(520 + 25_050 + 400_500 + 5_010, totals.GetProperty("params").GetInt64());
        Assert.Equal(64L * (20 * 24 * 24 * 25 + 50 * 8 * 8 * 500 + 800 * 500 + 500 * 10), totals.GetProperty("macs").GetInt64());
        Assert.True(totals.GetProperty("activation_bytes").GetInt64() > 0);
    }

    [Fact]
    public void InputOptionReshapesTheNet()
    {
        var r = CliRunner.Run("dump", LeNet, "--format", "json", "--input", "data=1,1,28,28");
        Assert.Equal(0, r.ExitCode);
        var outputs = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("outputs");
        Assert.Equal("""[{"name":"prob","shape":[1,10]}]""", Compact(outputs));
    }

    [Fact]
    public void DotHasABoxPerLayerAndEdgesNamedAfterBlobs()
    {
        var r = CliRunner.Run("dump", LeNet, "--format", "dot");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("digraph \"LeNet\" {", r.Stdout);
        Assert.Contains("\"input:data\" -> n0 [label=\"data\"];", r.Stdout);
        Assert.Contains("n0 [fillcolor=\"#FF5050\", label=\"conv1\\n(Convolution)\\nkernel 5x5, stride 1, pad 0\\n64x20x24x24\"];", r.Stdout);
        Assert.Equal(8, r.Stdout.Split('\n').Count(l => l.StartsWith("  n") && l.Contains("[fillcolor")));
        Assert.EndsWith("}\n", r.Stdout);
    }

    [Fact]
    public void WeightsCheckMarksLayersCaffeWouldFill()
    {
        using var dir = new TempDir();
        // Renaming a layer is how Caffe users make it learn from scratch: no weights match it.
        var prototxt = dir.File("renamed.prototxt");
        File.WriteAllText(prototxt, File.ReadAllText(LeNet).Replace("\"ip2\"", "\"ip2_new\""));
        var r = CliRunner.Run("dump", prototxt, "--weights", TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel"));
        Assert.Equal(0, r.ExitCode);
        var row = Assert.Single(r.Stdout.Split('\n'), l => l.Contains("ip2_new  "));
        Assert.Contains("5,010*", row);
        Assert.Contains("* No weights in the caffemodel for 1 layer(s); Caffe would initialise them with the prototxt's fillers", r.Stdout);
    }

    [Fact]
    public void WeightsOfAnotherNetAreRejectedNamingTheLayer()
    {
        var r = CliRunner.Run("dump", TestPaths.InTestData("mtcnn", "det1.prototxt"), "--weights", TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("caffenet dump: layer 'conv1' (type Convolution): weight blob 0 has shape 20x1x5x5, expected 10x3x3x3\n", r.Stderr.ReplaceLineEndings("\n"));
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void OutputFileIsWrittenWholeAndLeftAloneOnError()
    {
        using var dir = new TempDir();
        var output = dir.File("lenet.json");
        Assert.Equal(0, CliRunner.Run("dump", LeNet, "--format", "json", "-o", output).ExitCode);
        var written = File.ReadAllText(output);
        Assert.Equal("LeNet", JsonDocument.Parse(written).RootElement.GetProperty("name").GetString());

        var r = CliRunner.Run("dump", LeNet, "--format", "json", "--input", "nothing=1,2", "-o", output);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("caffenet dump: --input nothing: the net has no input named 'nothing' (its inputs: data)\n", r.Stderr.ReplaceLineEndings("\n"));
        Assert.Equal(written, File.ReadAllText(output));
        Assert.Equal(["lenet.json"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("--format", "yaml", "caffenet dump: --format must be text, json or dot, not 'yaml'")]
    [InlineData("--phase", "deploy", "caffenet dump: --phase must be test or train, not 'deploy'")]
    [InlineData("--input", "data=1,x", "caffenet dump: --input data=1,x: 'x' is not a positive integer dimension")]
    [InlineData("--input", "1,1,28,28", "caffenet dump: --input expects NAME=N,C,H,W, got '1,1,28,28'")]
    public void BadOptionsGiveOneLineAndExitTwo(string option, string value, string message)
    {
        var r = CliRunner.Run("dump", LeNet, option, value);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal(message + "\n", r.Stderr.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void StageSelectsLayers()
    {
        using var dir = new TempDir();
        var prototxt = dir.File("staged.prototxt");
        File.WriteAllText(prototxt, """
            name: "staged"
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 4 } } }
            layer { name: "plain" type: "ReLU" bottom: "data" top: "plain" include { not_stage: "fast" } }
            layer { name: "fast" type: "Sigmoid" bottom: "data" top: "fast" include { stage: "fast" } }
            """);
        var normal = CliRunner.Run("dump", prototxt, "--format", "json");
        var fast = CliRunner.Run("dump", prototxt, "--format", "json", "--stage", "fast");
        Assert.Equal(["plain"], LayerNames(normal.Stdout));
        Assert.Equal(["fast"], LayerNames(fast.Stdout));
    }

    [Fact]
    public void TextTableFitsOneHundredColumns()
    {
        var r = CliRunner.Run("dump", TestPaths.InTestData("mobilenetv2", "test-1.0.prototxt"), "--phase", "train");
        Assert.Equal(0, r.ExitCode);
        Assert.All(r.Stdout.Split('\n'), line => Assert.True(line.Length <= 100, line));
        Assert.StartsWith("Unnamed net, phase TRAIN: 208 layers", r.Stdout);
    }

    static IEnumerable<string> LayerNames(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()!);

    static string Compact(JsonElement e) => JsonSerializer.Serialize(e);
}
