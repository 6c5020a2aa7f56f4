using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Tests.Cli;

/// <summary>
/// Issue 10, case 2: `run --output DIR` and `--dump-all DIR` write every file or none. The second
/// file of each run below has a name of 304 characters, more than Linux file systems take (255).
/// </summary>
public class RunOutputFolderTests
{
    static readonly string Long = new('n', 300);

    /// <summary>x -> Power (2x + 1) "double" -> y; y -> Split -> a; y -> ReLU -> a blob named <see cref="Long"/>, as is the ReLU: outputs a, then Long.</summary>
    static readonly string Net = $$"""
        name: "long"
        layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 } } }
        layer { name: "double" type: "Power" bottom: "data" top: "y" power_param { scale: 2 shift: 1 } }
        layer { name: "split" type: "Split" bottom: "y" top: "a" }
        layer { name: "{{Long}}" type: "ReLU" bottom: "y" top: "{{Long}}" }
        """;

    static (string Net, string Input) Files(TempDir dir)
    {
        var net = dir.File("long.prototxt");
        File.WriteAllText(net, Net);
        var input = dir.File("x.npy");
        NpyFile.Write(input, Tensor.From([1, 2], [1f, -3f]));
        return (net, input);
    }

    /// <summary>Every entry under <paramref name="folder"/> with its bytes, to compare a folder before and after.</summary>
    static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFileSystemEntries(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(e => e, e => Directory.Exists(e) ? "<folder>" : Convert.ToHexString(File.ReadAllBytes(e)));

    static void AssertTooLong(CliRunner.Result r)
    {
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var line = Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("caffenet run: ", line);
        Assert.EndsWith($"{Long}.npy: cannot write: the name is too long for the file system (304 characters)", line);
    }

    [Theory]
    [InlineData("--output")]
    [InlineData("--dump-all")]
    public void AFailedRunDoesNotCreateTheFolder(string option)
    {
        using var dir = new TempDir();
        var (net, input) = Files(dir);
        var before = Snapshot(dir.Path);

        var r = CliRunner.Run("run", net, "--input", "data=" + input, option, dir.File("out"));

        AssertTooLong(r);
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Theory]
    [InlineData("--output")]
    [InlineData("--dump-all")]
    public void AFailedRunLeavesAnExistingFolderAsItWas(string option)
    {
        using var dir = new TempDir();
        var (net, input) = Files(dir);
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(dir.File("out/notes.txt"), "kept");
        // A file the run would replace (the first it writes), to show it is not.
        File.WriteAllText(dir.File("out/" + (option == "--output" ? "a.npy" : "double.npy")), "previous");
        var before = Snapshot(dir.Path);

        var r = CliRunner.Run("run", net, "--input", "data=" + input, option, dir.File("out"));

        AssertTooLong(r);
        Assert.Equal(before, Snapshot(dir.Path));
    }

    [Fact]
    public void ASuccessfulRunIntoAnExistingFolderKeepsItsOtherFiles()
    {
        using var dir = new TempDir();
        var net = dir.File("short.prototxt");
        File.WriteAllText(net, Net.Replace(Long, "relu"));
        var input = dir.File("x.npy");
        NpyFile.Write(input, Tensor.From([1, 2], [1f, -3f]));
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(dir.File("out/notes.txt"), "kept");
        File.WriteAllText(dir.File("out/a.npy"), "previous");

        var r = CliRunner.Run("run", net, "--input", "data=" + input, "--output", dir.File("out"));

        Assert.True(r.ExitCode == 0, r.Stderr);
        // 2x + 1 on [1, -3]: [3, -5]; ReLU: [3, 0].
        Assert.Equal([3f, -5f], NpyFile.Read(dir.File("out/a.npy")).ToArray());
        Assert.Equal([3f, 0f], NpyFile.Read(dir.File("out/relu.npy")).ToArray());
        Assert.Equal("kept", File.ReadAllText(dir.File("out/notes.txt")));
        Assert.Equal(["a.npy", "notes.txt", "relu.npy"], Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
