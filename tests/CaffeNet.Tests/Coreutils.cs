using System.Diagnostics;

namespace CaffeNet.Tests;

/// <summary>coreutils commands (stat, mkfifo, mknod): an independent look at, and way to make, what is on disk.</summary>
public static class Coreutils
{
    /// <summary>Runs <paramref name="name"/>; returns its exit code and standard output without the last newline.</summary>
    public static (int ExitCode, string Stdout) Run(string name, params string[] args)
    {
        var psi = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout.TrimEnd('\n'));
    }

    /// <summary>stat's words for the file type ("fifo", "symbolic link", ...), links not followed.</summary>
    public static string TypeOf(string path) => Run("stat", "-c", "%F", path).Stdout;
}
