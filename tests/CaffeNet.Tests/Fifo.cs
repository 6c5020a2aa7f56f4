using System.Diagnostics;

namespace CaffeNet.Tests;

/// <summary>Named pipes for tests, made with mkfifo(1) (.NET has no call for it).</summary>
public static class Fifo
{
    public static string Make(string path)
    {
        using var mkfifo = Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }
}
