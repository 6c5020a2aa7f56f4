namespace CaffeNet.Cli;

/// <summary>What a command accepts: its positional arguments and its options.</summary>
/// <param name="Summary">One line for `caffenet --help`.</param>
/// <param name="Usage">The full text for `caffenet COMMAND --help`.</param>
/// <param name="MinPositional">Fewest positional arguments.</param>
/// <param name="MaxPositional">Most positional arguments.</param>
/// <param name="ValueOptions">Options that take a value (`--name value` or `--name=value`).</param>
/// <param name="FlagOptions">Options that stand alone (`--name`).</param>
public sealed record CommandSpec(
    string Summary,
    string Usage,
    int MinPositional,
    int MaxPositional,
    IReadOnlyList<string> ValueOptions,
    IReadOnlyList<string> FlagOptions);
