namespace CaffeNet.Cli;

/// <summary>One `caffenet` sub-command.</summary>
public interface ICommand
{
    string Name { get; }

    CommandSpec Spec { get; }

    /// <summary>Runs the command; throws <see cref="CaffeNetException"/> for bad input.</summary>
    int Run(Options options, TextWriter stdout, TextWriter stderr);
}
