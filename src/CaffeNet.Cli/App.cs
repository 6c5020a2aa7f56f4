namespace CaffeNet.Cli;

/// <summary>Dispatches `caffenet COMMAND ...` and turns user errors into exit code 2.</summary>
public static class App
{
    public const int Ok = 0;
    public const int UserError = 2;

    static readonly ICommand[] Commands =
    [
        new Commands.ConvertCommand(),
        new Commands.BenchCommand(),
        new Commands.DumpCommand(),
        new Commands.InitCommand(),
        new Commands.OptimizeCommand(),
        new Commands.RunCommand(),
    ];

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(stdout);
            return args.Length == 0 ? UserError : Ok;
        }

        var command = Array.Find(Commands, c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"caffenet: unknown command '{args[0]}'. Run 'caffenet --help' for the list.");
            return UserError;
        }

        try
        {
            var options = Options.Parse(args.AsSpan(1), command.Spec);
            if (options.Help)
            {
                stdout.WriteLine(command.Spec.Usage);
                return Ok;
            }
            return command.Run(options, stdout, stderr);
        }
        catch (CaffeNetException e)
        {
            stderr.WriteLine($"caffenet {command.Name}: {e.Message}");
            return UserError;
        }
        catch (IOException e)
        {
            stderr.WriteLine($"caffenet {command.Name}: {e.Message}");
            return UserError;
        }
        catch (UnauthorizedAccessException e)
        {
            stderr.WriteLine($"caffenet {command.Name}: {e.Message}");
            return UserError;
        }
    }

    static void PrintUsage(TextWriter stdout)
    {
        stdout.WriteLine("caffenet: open, inspect and run Caffe models.");
        stdout.WriteLine();
        stdout.WriteLine("Commands:");
        foreach (var c in Commands)
            stdout.WriteLine($"  {c.Name,-10} {c.Spec.Summary}");
        stdout.WriteLine();
        stdout.WriteLine("Run 'caffenet COMMAND --help' for a command's options.");
    }
}
