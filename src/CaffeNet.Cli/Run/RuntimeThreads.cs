using System.Globalization;

namespace CaffeNet.Cli.Run;

/// <summary>The `--threads N` setting: a count from 1 to 1024, by default every core.</summary>
public static class RuntimeThreads
{
    public static int Parse(string? value)
    {
        if (value is null)
            return Environment.ProcessorCount;
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 1024)
            throw new CaffeNetException($"--threads expects a whole number from 1 to 1024, got '{value}'");
        return n;
    }
}
