using System.Globalization;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Run;

/// <summary>
/// The `--threads N` setting. The executor has no thread setting yet (the worker pool of
/// Runtime/Simd is not wired to it), so <see cref="ApplyTo"/> is the one place to connect it.
/// </summary>
public sealed record RuntimeThreads(int? Count)
{
    public static RuntimeThreads Parse(string? value)
    {
        if (value is null)
            return new RuntimeThreads((int?)null);
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1 || n > 1024)
            throw new CaffeNetException($"--threads expects a whole number from 1 to 1024, got '{value}'");
        return new RuntimeThreads(n);
    }

    public void ApplyTo(Executor executor)
    {
        // Seam: hand Count to the executor once it accepts a thread count.
        _ = executor;
    }
}
