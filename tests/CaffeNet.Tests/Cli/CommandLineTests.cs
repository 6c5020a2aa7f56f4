using System.Text.Json;
using System.Xml.Linq;

namespace CaffeNet.Tests.Cli;

/// <summary>What every command shares: help, version, usage errors, suggestions, completion, escaped messages.</summary>
public class CommandLineTests
{
    static readonly string LeNet = TestPaths.InTestData("lenet", "lenet.prototxt");

    static readonly string[] CommandNames = ["bench", "convert", "dump", "export", "init", "optimize", "run"];

    static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    [Fact]
    public void VersionIsTheProjectsVersion()
    {
        var project = XDocument.Load(Path.Combine(TestPaths.Root, "src", "CaffeNet.Cli", "CaffeNet.Cli.csproj"));
        var version = project.Descendants("Version").Single().Value;

        var r = CliRunner.Run("--version");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(version + "\n", r.Stdout.ReplaceLineEndings("\n"));
        Assert.Equal("", r.Stderr);
    }

    [Fact]
    public void NoArgumentsExitsTwoWithTheUsageOnStandardError()
    {
        var r = CliRunner.Run();
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = Lines(r.Stderr);
        Assert.Equal("caffenet: Required command was not provided.", lines[0]);
        Assert.Contains("  caffenet [command] [options]", lines);
        Assert.All(CommandNames, name => Assert.Contains(lines, l => l.StartsWith($"  {name} <", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void HelpGoesToStandardOutputWithExitZero(string option)
    {
        var root = CliRunner.Run(option);
        Assert.Equal((0, ""), (root.ExitCode, root.Stderr));
        Assert.Contains("Commands:", root.Stdout);
        Assert.All(CommandNames, name => Assert.Contains($"  {name} <", root.Stdout));

        // Every command's help has the same layout.
        foreach (var name in CommandNames)
        {
            var r = CliRunner.Run(name, option);
            Assert.Equal((0, ""), (r.ExitCode, r.Stderr));
            var lines = Lines(r.Stdout);
            Assert.Equal("Description:", lines[0]);
            Assert.Contains("Usage:", lines);
            Assert.Contains("Options:", lines);
            Assert.Contains(lines, l => l.StartsWith($"  caffenet {name} <", StringComparison.Ordinal));
            // A default is shown as words, never as a type name.
            Assert.DoesNotContain("[default: CaffeNet.", r.Stdout);
        }
    }

    [Fact]
    public void AMistypedCommandGetsASuggestion()
    {
        var r = CliRunner.Run("rnu", LeNet);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var lines = Lines(r.Stderr);
        Assert.Contains("caffenet: Unrecognized command or argument 'rnu'.", lines);
        int suggestion = Array.IndexOf(lines, "'rnu' was not matched. Did you mean one of the following?");
        Assert.True(suggestion >= 0, r.Stderr);
        Assert.Equal("run", lines[suggestion + 1]);
    }

    [Fact]
    public void AMistypedOptionGetsASuggestion()
    {
        var r = CliRunner.Run("dump", LeNet, "--fromat", "json");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal(
        [
            "caffenet dump: Unrecognized command or argument '--fromat'.",
            "caffenet dump: Unrecognized command or argument 'json'.",
            "'--fromat' was not matched. Did you mean one of the following?",
            "--format",
            "'json' was not matched. Did you mean one of the following?",
            "--json",
        ], Lines(r.Stderr));
    }

    [Theory]
    [InlineData("dump", "--frobnicate")]
    [InlineData("run", "--frobnicate")]
    [InlineData("bench", "-x")]
    public void AnUnknownOptionIsOneLineAndExitsTwo(string command, string option)
    {
        var r = CliRunner.Run(command, LeNet, option);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal($"caffenet {command}: Unrecognized command or argument '{option}'.", Assert.Single(Lines(r.Stderr)));
    }

    [Theory]
    [InlineData(new[] { "run" }, "caffenet run: Required argument missing for command: 'run'.")]
    [InlineData(new[] { "dump", "a.prototxt", "b.prototxt" }, "caffenet dump: Unrecognized command or argument 'b.prototxt'.")]
    [InlineData(new[] { "run", "a.prototxt", "--threads" }, "caffenet run: Required argument missing for option: '--threads'.")]
    [InlineData(new[] { "run", "a.prototxt", "--threads", "two" }, "caffenet run: --threads must be a whole number from 1 to 1024, not 'two'")]
    [InlineData(new[] { "init", "a.prototxt", "-o", "w.caffemodel", "--seed", "-3" }, "caffenet init: --seed must be a whole number, not '-3'")]
    [InlineData(new[] { "bench", "a.prototxt", "--split", "both" }, "caffenet bench: --split must be auto, layers or images, not 'both'")]
    public void UsageErrorsAreOneLineAndExitTwo(string[] args, string message)
    {
        var r = CliRunner.Run(args);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal(message, Assert.Single(Lines(r.Stderr)));
    }

    [Fact]
    public void TheShellCompletesCommandsOptionsAndValues()
    {
        // The [suggest:POSITION] directive is what dotnet-suggest's shell scripts call on TAB.
        var command = CliRunner.Run("[suggest:2]", "ru");
        Assert.Equal((0, "run\n"), (command.ExitCode, command.Stdout.ReplaceLineEndings("\n")));
        var option = CliRunner.Run("[suggest:17]", "bench x --warmup-");
        Assert.Equal("--warmup-ms\n", option.Stdout.ReplaceLineEndings("\n"));
        var value = CliRunner.Run("[suggest:25]", "dump x.prototxt --format ");
        Assert.Equal("dot\njson\ntext\n", value.Stdout.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void ThreadsDefaultToEveryCoreInEveryCommand()
    {
        var bench = CliRunner.Run("bench", LeNet, "--iterations", "1", "--warmup", "0", "--warmup-ms", "0", "--json");
        Assert.True(bench.ExitCode == 0, bench.Stderr);
        Assert.Equal(Environment.ProcessorCount, JsonDocument.Parse(bench.Stdout).RootElement.GetProperty("threads").GetInt32());

        var run = CliRunner.Run("run", LeNet, "--random-input", "--json");
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Equal(Environment.ProcessorCount, JsonDocument.Parse(run.Stdout).RootElement.GetProperty("threads").GetInt32());
    }

    [Fact]
    public void ControlCharactersInALayerNameAreEscapedOnTheOneErrorLine()
    {
        using var dir = new TempDir();
        var net = dir.File("net.prototxt");
        // Protobuf text escapes: the name holds a newline and an ANSI "red" sequence; its bottom is never made.
        File.WriteAllText(net, """
            layer { name: "data" type: "Input" top: "data" input_param { shape { dim: 1 dim: 2 } } }
            layer { name: "evil\nline\x1b[31m" type: "ReLU" bottom: "nowhere" top: "out" }
            """);
        foreach (var command in new[] { "dump", "run", "bench" })
        {
            var r = CliRunner.Run(command, net);
            Assert.Equal(2, r.ExitCode);
            Assert.Equal("", r.Stdout);
            var line = Assert.Single(Lines(r.Stderr));
            Assert.StartsWith($"caffenet {command}: ", line);
            Assert.Contains(@"'evil\nline\x1b[31m'", line);
            Assert.DoesNotContain('\u001b', r.Stderr);
        }
    }

    [Fact]
    public void ControlCharactersInAFileNameAreEscapedOnTheOneErrorLine()
    {
        using var dir = new TempDir();
        // A newline, a tab, DEL and the C1 control CSI (which some terminals take for ESC [).
        var name = "two\nlines\tand\u007f\u009b31m.prototxt";
        var net = dir.File(name);
        File.WriteAllText(net, "layer { name: \"a\" \n");
        var r = CliRunner.Run("dump", net);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        var line = Assert.Single(Lines(r.Stderr));
        Assert.StartsWith($@"caffenet dump: {dir.Path}/two\nlines\tand\x7f\u009b31m.prototxt:", line);
    }
}
