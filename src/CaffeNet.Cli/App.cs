using System.CommandLine;
using System.CommandLine.Invocation;

namespace CaffeNet.Cli;

/// <summary>Parses `caffenet COMMAND ...`, runs the command, and turns usage and input errors into exit code 2.</summary>
public static class App
{
    public const int Ok = 0;
    public const int UserError = 2;

    static RootCommand Root() => new("Open, inspect and run Caffe models (.prototxt + optional .caffemodel).")
    {
        new Commands.BenchCommand(),
        new Commands.ConvertCommand(),
        new Commands.DumpCommand(),
        new Commands.ExportCommand(),
        new Commands.InitCommand(),
        new Commands.OptimizeCommand(),
        new Commands.RunCommand(),
    };

    /// <summary>Results and help go to <paramref name="stdout"/>; errors, warnings and usage on error to <paramref name="stderr"/>, escaped.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var errors = new EscapingWriter(stderr);
        var result = Root().Parse(args);
        if (result.Action is ParseErrorAction usageError)
            return ReportUsageError(result, usageError, errors);
        try
        {
            return result.Invoke(new InvocationConfiguration { Output = stdout, Error = errors, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (e is CaffeNetException or IOException or UnauthorizedAccessException)
        {
            errors.WriteLine($"{Prefix(result)}: {Bounded(e.Message)}");
            return UserError;
        }
    }

    /// <summary>
    /// One line per error, then System.CommandLine's "did you mean" suggestions for an unknown token;
    /// where no command was named, the list of commands too.
    /// </summary>
    static int ReportUsageError(ParseResult result, ParseErrorAction action, TextWriter errors)
    {
        foreach (var error in result.Errors)
            errors.WriteLine($"{Prefix(result)}: {Bounded(error.Message)}");
        action.ShowHelp = result.CommandResult.Command is RootCommand;
        // Escaped on the way into the buffer, so the only line ends in it are the ones SCL writes.
        var buffer = new StringWriter();
        result.Invoke(new InvocationConfiguration { Output = new EscapingWriter(buffer), Error = TextWriter.Null });
        foreach (var line in buffer.ToString().Trim('\r', '\n').Split('\n'))
        {
            if (line.Length > 0 || action.ShowHelp)
                errors.WriteLine(line.TrimEnd('\r'));
        }
        return UserError;
    }

    /// <summary>
    /// The longest message printed whole. Messages quote names through Excerpt, so only a system
    /// message or a command-line argument (up to 128 KiB) could be longer; this is the backstop.
    /// </summary>
    const int MaxMessageChars = 2000;

    /// <summary>A message cut in the middle when it is longer than <see cref="MaxMessageChars"/>.</summary>
    public static string Bounded(string message) =>
        message.Length <= MaxMessageChars
            ? message
            : $"{message.AsSpan(0, MaxMessageChars / 2)}... ({message.Length - MaxMessageChars} characters left out) ...{message.AsSpan(message.Length - MaxMessageChars / 4)}";

    static string Prefix(ParseResult result) =>
        result.CommandResult.Command is RootCommand ? "caffenet" : $"caffenet {result.CommandResult.Command.Name}";
}
