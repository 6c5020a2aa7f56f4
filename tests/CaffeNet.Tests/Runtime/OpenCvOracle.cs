using System.Diagnostics;
using System.Text;
using System.Text.Json;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;
using Google.Protobuf;

namespace CaffeNet.Tests.Runtime;

/// <summary>
/// A small net for OpenCV DNN (tools/kernel-oracle.py) and the same computation done with our
/// kernels. Inputs become `Input` layers; blobs go into a caffemodel by layer name.
/// </summary>
public sealed record OracleCase(
    string Name,
    string Layers,
    Dictionary<string, Tensor> Inputs,
    Dictionary<string, Tensor[]> Blobs,
    string[] Outputs,
    Func<Tensor[]> Ours)
{
    public override string ToString() => Name;

    public void WriteTo(string dir)
    {
        var prototxt = new StringBuilder("name: \"oracle\"\n");
        foreach (var (name, tensor) in Inputs)
        {
            var dims = string.Join(" ", tensor.Shape.Dims.ToArray().Select(d => $"dim: {d}"));
            prototxt.Append($"layer {{ name: \"{name}\" type: \"Input\" top: \"{name}\" input_param {{ shape {{ {dims} }} }} }}\n");
        }
        prototxt.Append(Layers);
        NetParameter? weights = null;
        if (Blobs.Count > 0)
        {
            weights = new NetParameter();
            foreach (var (layer, blobs) in Blobs)
            {
                var lp = new LayerParameter { Name = layer };
                foreach (var blob in blobs)
                {
                    var proto = new BlobProto { Shape = new BlobShape() };
                    proto.Shape.Dim.AddRange(blob.Shape.Dims.ToArray().Select(d => (long)d));
                    proto.Data.AddRange(blob.ToArray());
                    lp.Blobs.Add(proto);
                }
                weights.Layer.Add(lp);
            }
        }
        OpenCv.WriteCase(dir, prototxt.ToString(), weights, Inputs, Outputs);
    }
}

/// <summary>Runs every oracle case through OpenCV once, in one Python process.</summary>
public sealed class OpenCvOracleFixture : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("caffenet-oracle-").FullName;

    public OpenCvOracleFixture()
    {
        if (!OpenCv.Available)
            return;
        foreach (var c in OracleCases.All)
            c.WriteTo(Path.Combine(_dir, c.Name));
        var r = OpenCv.Python(Path.Combine(TestPaths.Root, "tools", "kernel-oracle.py"), _dir);
        if (r.ExitCode != 0)
            throw new InvalidOperationException("kernel-oracle.py failed: " + r.Stderr);
    }

    public Tensor[] Expected(OracleCase c)
    {
        var dir = Path.Combine(_dir, c.Name);
        var error = Path.Combine(dir, "error.txt");
        if (File.Exists(error))
            Assert.Fail($"OpenCV could not run case {c.Name}:\n{File.ReadAllText(error)}");
        return c.Outputs.Select(o => NpyFile.Read(Path.Combine(dir, $"expected.{o}.npy"))).ToArray();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

static class OpenCv
{
    /// <summary>A case directory as tools/kernel-oracle.py reads it.</summary>
    public static void WriteCase(string dir, string prototxt, NetParameter? weights,
        IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string> outputs)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "net.prototxt"), prototxt);
        if (weights is not null)
            File.WriteAllBytes(Path.Combine(dir, "net.caffemodel"), weights.ToByteArray());
        foreach (var (name, tensor) in inputs)
            NpyFile.Write(Path.Combine(dir, name + ".npy"), tensor);
        File.WriteAllText(Path.Combine(dir, "case.json"), JsonSerializer.Serialize(new
        {
            inputs = inputs.Keys.ToDictionary(k => k, k => k + ".npy"),
            outputs,
        }));
    }

    /// <summary>Runs the oracle over one case directory and reads what OpenCV output for each name.</summary>
    public static Dictionary<string, Tensor> RunCase(string dir, IReadOnlyList<string> outputs)
    {
        var root = Path.GetDirectoryName(dir)!;
        var r = Python(Path.Combine(TestPaths.Root, "tools", "kernel-oracle.py"), root);
        if (r.ExitCode != 0)
            throw new InvalidOperationException("kernel-oracle.py failed: " + r.Stderr);
        var error = Path.Combine(dir, "error.txt");
        if (File.Exists(error))
            Assert.Fail($"OpenCV could not run {dir}:\n{File.ReadAllText(error)}");
        return outputs.ToDictionary(o => o, o => NpyFile.Read(Path.Combine(dir, $"expected.{o}.npy")));
    }

    /// <summary>The issue's rule: max |ours − theirs| ≤ tolerance · max(1, max |theirs|); the failure message if not.</summary>
    public static string? Disagreement(Tensor ours, Tensor theirs, float tolerance = 1e-4f)
    {
        if (ours.Count != theirs.Count)
            return $"{ours.Count} values against OpenCV's {theirs.Count} (shapes {ours.Shape} and {theirs.Shape})";
        float scale = 1, worst = 0;
        var t = theirs.Span;
        var o = ours.Span;
        for (int j = 0; j < t.Length; j++)
        {
            scale = Math.Max(scale, Math.Abs(t[j]));
            worst = Math.Max(worst, Math.Abs(t[j] - o[j]));
        }
        return worst <= tolerance * scale ? null : $"max |ours − OpenCV| = {worst} > {tolerance * scale}";
    }

    const string Interpreter = "/usr/bin/python3";

    /// <summary>Whether the system Python with OpenCV and NumPy is here (CI installs python3-opencv).</summary>
    public static bool Available => LazyAvailable.Value;

    static readonly Lazy<bool> LazyAvailable = new(() =>
        File.Exists(Interpreter) && Python("-c", "import cv2, numpy").ExitCode == 0);

    public static (int ExitCode, string Stderr) Python(params string[] args)
    {
        var psi = new ProcessStartInfo(Interpreter) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            p.Kill();
            return (-1, "timed out");
        }
        return (p.ExitCode, stderr.Result);
    }
}

/// <summary>A fact that is skipped when OpenCV for Python is not installed.</summary>
public sealed class OpenCvFactAttribute : FactAttribute
{
    public OpenCvFactAttribute()
    {
        if (!OpenCv.Available)
            Skip = "needs /usr/bin/python3 with cv2 and numpy (Debian python3-opencv)";
    }
}

/// <summary>A theory that is skipped when OpenCV for Python is not installed.</summary>
public sealed class OpenCvTheoryAttribute : TheoryAttribute
{
    public OpenCvTheoryAttribute()
    {
        if (!OpenCv.Available)
            Skip = "needs /usr/bin/python3 with cv2 and numpy (Debian python3-opencv)";
    }
}
