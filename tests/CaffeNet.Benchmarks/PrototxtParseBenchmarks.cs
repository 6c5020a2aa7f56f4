using BenchmarkDotNet.Attributes;
using CaffeNet.Import.Text;
using CaffeNet.Proto;

namespace CaffeNet.Benchmarks;

/// <summary>Parsing MobileNetV2's 48 KB deploy prototxt (text already in memory).</summary>
[Config(typeof(ThroughputConfig))]
[MemoryDiagnoser]
public class PrototxtParseBenchmarks : IThroughput
{
    static readonly string Path = FindDeployFile();
    string text = "";

    static string FindDeployFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "testdata", "mobilenetv2", "deploy.prototxt");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException("testdata/mobilenetv2/deploy.prototxt not found above " + AppContext.BaseDirectory);
    }

    public long BytesPerOperation(string method) => new FileInfo(Path).Length;

    [GlobalSetup]
    public void Setup() => text = File.ReadAllText(Path);

    [Benchmark]
    public NetParameter ParseMobileNetV2() => TextFormat.Parse<NetParameter>(text, Path);
}
