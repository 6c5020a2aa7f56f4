namespace CaffeNet.Tests.Cli;

/// <summary>
/// Every command reads prototxt strictly, as protoc does: a misspelt field is one line naming
/// the nearest known field, exit 2 and no output, with or without --lenient; --lenient skips only
/// a field far from every known name, with a warning.
/// </summary>
public class StrictReadingTests
{
    static readonly string LeNet = TestPaths.InTestData("lenet", "lenet.prototxt");
    static readonly string LeNetWeights = TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel");

    static string Write(TempDir dir, string name, string text)
    {
        var path = dir.File(name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>LeNet with conv1's `layer {` (line 8) misspelt `layr {`.</summary>
    static string WithTypo(TempDir dir)
    {
        var lines = File.ReadAllLines(LeNet);
        Assert.Equal("layer {", lines[7]);
        lines[7] = "layr {";
        return Write(dir, "typo.prototxt", string.Join('\n', lines) + "\n");
    }

    /// <summary>LeNet with a field of no schema on line 2, far from every field name of NetParameter.</summary>
    static string WithForkField(TempDir dir)
    {
        var lines = File.ReadAllLines(LeNet).ToList();
        lines.Insert(1, "fork_extension_setting: 3");
        return Write(dir, "fork.prototxt", string.Join('\n', lines) + "\n");
    }

    /// <summary>The command's arguments; whatever it writes goes into <paramref name="dir"/>/out.</summary>
    static string[] Command(string command, string net, TempDir dir) => command switch
    {
        "run" => ["run", net, "--weights", LeNetWeights, "--random-input", "--output", dir.File("out")],
        "dump" => ["dump", net, "-o", dir.File("out")],
        "optimize" => ["optimize", net, "--weights", LeNetWeights, "-o", dir.File("out"), "--out-weights", dir.File("out.caffemodel")],
        "bench" => ["bench", net, "--iterations", "1", "--warmup", "0", "--warmup-ms", "0", "--threads", "1"],
        "init" => ["init", net, "-o", dir.File("out")],
        _ => throw new ArgumentException(command),
    };

    static string[] FilesIn(TempDir dir) => [.. Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName).Order()!];

    [Theory]
    [InlineData("run", false)]
    [InlineData("run", true)]
    [InlineData("dump", false)]
    [InlineData("dump", true)]
    [InlineData("optimize", false)]
    [InlineData("optimize", true)]
    [InlineData("bench", false)]
    [InlineData("init", true)]
    public void AMisspeltFieldIsRefusedEvenWithLenient(string command, bool lenient)
    {
        using var dir = new TempDir();
        var net = WithTypo(dir);
        string[] args = [.. Command(command, net, dir), .. lenient ? ["--lenient"] : Array.Empty<string>()];

        var r = CliRunner.Run(args);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal($"caffenet {command}: {net}:8:1: caffe.NetParameter has no field \"layr\"; did you mean \"layer\"?\n", r.Stderr);
        Assert.Equal(["typo.prototxt"], FilesIn(dir));
    }

    [Theory]
    [InlineData("run")]
    [InlineData("dump")]
    [InlineData("optimize")]
    public void AFarOffFieldIsSkippedOnlyWithLenient(string command)
    {
        using var dir = new TempDir();
        var net = WithForkField(dir);

        var strict = CliRunner.Run(Command(command, net, dir));
        Assert.Equal(2, strict.ExitCode);
        Assert.Equal($"caffenet {command}: {net}:2:1: caffe.NetParameter has no field \"fork_extension_setting\"\n", strict.Stderr);
        Assert.Equal(["fork.prototxt"], FilesIn(dir));

        var lenient = CliRunner.Run([.. Command(command, net, dir), "--lenient"]);
        Assert.Equal(0, lenient.ExitCode);
        Assert.Equal($"caffenet {command}: warning: {net}:2:1: skipped unknown field \"fork_extension_setting\" of caffe.NetParameter\n",
            lenient.Stderr);
        Assert.Contains("out", FilesIn(dir));
    }

    [Fact]
    public void AHugeTokenMakesOneShortLine()
    {
        using var dir = new TempDir();
        var net = Write(dir, "huge.prototxt", $"layer {{ name: \"c\" convolution_param {{ num_output: {new string('9', 1_000_000)} }} }}\n");

        var r = CliRunner.Run("dump", net);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"caffenet dump: {net}:1:51: {new string('9', 77)}... (1000000 characters) is out of range for field \"num_output\" " +
            "(uint32) (in layer[0] \"c\" > convolution_param)\n", r.Stderr);
    }

    [Fact]
    public void AFileTooLargeToReadIsRefusedWithItsSize()
    {
        using var dir = new TempDir();
        var net = dir.File("big.prototxt");
        using (var f = new FileStream(net, FileMode.CreateNew))
            f.SetLength(5L << 30); // sparse: no disk used

        var r = CliRunner.Run("dump", net);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"caffenet dump: {net}: is 5368709120 bytes (5.00 GiB); prototxt is read only up to 1000000000 bytes (1 GB)\n", r.Stderr);
    }
}
