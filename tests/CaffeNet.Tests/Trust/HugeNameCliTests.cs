namespace CaffeNet.Tests.Trust;

/// <summary>
/// Issue 10, point 5, as a user meets it: a model with a name of megabytes gives exit 2 and one
/// short line on standard error (or, where the model is fine, a dump with short lines).
/// </summary>
public class HugeNameCliTests
{
    const int Huge = 10 << 20;
    const string Input = "layer { name: \"data\" type: \"Input\" top: \"data\" input_param { shape { dim: 1 dim: 2 } } }\n";

    static string Write(TempDir dir, string text)
    {
        var path = dir.File("huge.prototxt");
        File.WriteAllText(path, text);
        return path;
    }

    static string OneShortLine(CliRunner.Result r)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.True(line.Length < 400, $"a line of {line.Length} characters");
        return line;
    }

    [Theory]
    [InlineData("dump")]
    [InlineData("run")]
    public void AHugeLayerNameMakesOneShortLine(string command)
    {
        using var dir = new TempDir();
        var net = Write(dir, Input + $"layer {{ name: \"{new string('a', Huge)}\" type: \"ReLU\" bottom: \"nope\" top: \"y\" }}\n");
        var line = OneShortLine(CliRunner.Run(command, net));
        Assert.Equal($"caffenet {command}: layer '{new string('a', 77)}...' ({Huge} characters) (type ReLU): bottom 'nope' " +
            "is not produced by any layer before it (nor is it a net input)", line);
    }

    [Fact]
    public void AHugeBlobNameMakesOneShortLine()
    {
        using var dir = new TempDir();
        var net = Write(dir, Input + $"layer {{ name: \"r\" type: \"ReLU\" bottom: \"{new string('b', Huge)}\" top: \"y\" }}\n");
        var line = OneShortLine(CliRunner.Run("dump", net));
        Assert.Equal($"caffenet dump: layer 'r' (type ReLU): bottom '{new string('b', 77)}...' ({Huge} characters) " +
            "is not produced by any layer before it (nor is it a net input)", line);
    }

    [Fact]
    public void AHugeTypeNameIsRefusedByRunAndShortenedByDump()
    {
        using var dir = new TempDir();
        var net = Write(dir, Input + $"layer {{ name: \"r\" type: \"{new string('T', Huge)}\" bottom: \"data\" top: \"y\" }}\n");
        var line = OneShortLine(CliRunner.Run("run", net, "--random-input"));
        Assert.StartsWith($"caffenet run: layer 'r': type {new string('T', 77)}... ({Huge} characters) is not supported by the runtime (supported: ", line);

        // dump shows such a layer as opaque; every line of its table and summary stays short.
        var dump = CliRunner.Run("dump", net);
        Assert.Equal(0, dump.ExitCode);
        Assert.All(dump.Stdout.Split('\n'), l => Assert.True(l.Length <= 200, $"a line of {l.Length} characters"));
        Assert.Contains($"Layer types: {new string('T', 77)}... ({Huge} characters) 1\n", dump.Stdout);
    }

    [Fact]
    public void AHugeNumberMakesOneShortLine()
    {
        using var dir = new TempDir();
        var net = Write(dir, $"layer {{ name: \"data\" type: \"Input\" top: \"data\" input_param {{ shape {{ dim: {new string('9', Huge)} }} }} }}\n");
        var line = OneShortLine(CliRunner.Run("dump", net));
        Assert.Equal($"caffenet dump: {net}:1:75: {new string('9', 77)}... ({Huge} characters) is out of range for field \"dim\" (int64) " +
            "(in layer[0] \"data\" > input_param > shape[0])", line);
    }

    [Fact]
    public void AHugeFieldNameSkippedLenientlyMakesOneShortWarning()
    {
        using var dir = new TempDir();
        var net = Write(dir, $"{new string('z', Huge)}: 1\n" + Input);
        var r = CliRunner.Run("dump", net, "--lenient");
        Assert.Equal(0, r.ExitCode);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal($"caffenet dump: warning: {net}:1:1: skipped unknown field \"{new string('z', 77)}...\" ({Huge} characters) of caffe.NetParameter", line);
    }

    [Fact]
    public void APrototxtOver2GiBIsRefusedInOneLine()
    {
        using var dir = new TempDir();
        var path = dir.File("big.prototxt");
        // Sparse: takes no disk space.
        using (var f = new FileStream(path, FileMode.CreateNew))
            f.SetLength((2L << 30) + 1);
        var line = OneShortLine(CliRunner.Run("dump", path));
        Assert.Equal($"caffenet dump: {path}: is 2147483649 bytes (2.00 GiB); prototxt is read only up to 1000000000 bytes (1 GB)", line);
    }
}
