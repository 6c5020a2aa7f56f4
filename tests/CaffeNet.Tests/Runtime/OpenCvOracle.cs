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
        Directory.CreateDirectory(dir);
        var prototxt = new StringBuilder("name: \"oracle\"\n");
        var inputFiles = new Dictionary<string, string>();
        foreach (var (name, tensor) in Inputs)
        {
            var dims = string.Join(" ", tensor.Shape.Dims.ToArray().Select(d => $"dim: {d}"));
            prototxt.Append($"layer {{ name: \"{name}\" type: \"Input\" top: \"{name}\" input_param {{ shape {{ {dims} }} }} }}\n");
            NpyFile.Write(Path.Combine(dir, name + ".npy"), tensor);
            inputFiles[name] = name + ".npy";
        }
        prototxt.Append(Layers);
        File.WriteAllText(Path.Combine(dir, "net.prototxt"), prototxt.ToString());
        if (Blobs.Count > 0)
        {
            var net = new NetParameter();
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
                net.Layer.Add(lp);
            }
            File.WriteAllBytes(Path.Combine(dir, "net.caffemodel"), net.ToByteArray());
        }
        File.WriteAllText(Path.Combine(dir, "case.json"),
            JsonSerializer.Serialize(new { inputs = inputFiles, outputs = Outputs }));
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

/// <summary>A theory that is skipped when OpenCV for Python is not installed.</summary>
public sealed class OpenCvTheoryAttribute : TheoryAttribute
{
    public OpenCvTheoryAttribute()
    {
        if (!OpenCv.Available)
            Skip = "needs /usr/bin/python3 with cv2 and numpy (Debian python3-opencv)";
    }
}
