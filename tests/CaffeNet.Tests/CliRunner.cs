using System.Diagnostics;

namespace CaffeNet.Tests;

/// <summary>Runs the built `caffenet` CLI as a separate process, as a user would.</summary>
public static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    static string CliDll
    {
        get
        {
            // The test and CLI projects build with the same configuration.
            var config = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
            return Path.Combine(TestPaths.Root, "src", "CaffeNet.Cli", "bin", config, "net10.0", "caffenet.dll");
        }
    }

    public static Result Run(params string[] args) => Run(new Dictionary<string, string>(), null, args);

    /// <summary>
    /// Runs with <paramref name="environment"/> added to the child's (DOTNET_GCHeapHardLimit, say)
    /// and <paramref name="stdin"/>, when given, as its standard input.
    /// </summary>
    public static Result Run(IReadOnlyDictionary<string, string> environment, byte[]? stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(CliDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (name, value) in environment)
            psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            try
            {
                p.StandardInput.BaseStream.Write(stdin);
                p.StandardInput.Close();
            }
            catch (IOException)
            {
                // The CLI may stop reading (and exit) before it has taken everything: that is its answer.
            }
        }
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill(true);
            throw new TimeoutException("caffenet " + string.Join(' ', args));
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }
}
