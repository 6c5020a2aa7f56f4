using System.CommandLine;

namespace CaffeNet.Cli;

/// <summary>
/// One `caffenet` sub-command: a subclass declares its arguments and options as fields, adds them in
/// its constructor and does the work in <see cref="Run"/>, reading their values from the parse result.
/// </summary>
public abstract class CliCommand : Command
{
    protected CliCommand(string name, string description) : base(name, description) =>
        SetAction(result => Run(result, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));

    /// <summary>Does the command's work; throws <see cref="CaffeNetException"/> for bad input.</summary>
    protected abstract int Run(ParseResult result, TextWriter stdout, TextWriter stderr);

    /// <summary>Where the import's warnings go: one line each on <paramref name="stderr"/>.</summary>
    protected Action<string> Warnings(TextWriter stderr) => w => stderr.WriteLine($"caffenet {Name}: warning: {App.Bounded(w)}");
}
