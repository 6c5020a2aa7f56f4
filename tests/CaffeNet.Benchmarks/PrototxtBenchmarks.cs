using BenchmarkDotNet.Attributes;
using CaffeNet.Import.Text;
using CaffeNet.Proto;

namespace CaffeNet.Benchmarks;

/// <summary>
/// The prototxt reader and writer: MobileNetV2's 48 KB deploy file (the headline model), and
/// LeNet's trained weights as text (9.7 MB, nearly all floats), the worst case for numbers.
/// </summary>
[Config(typeof(ThroughputConfig))]
[MemoryDiagnoser]
public class PrototxtBenchmarks : IThroughput
{
    static readonly Lazy<string> Deploy = new(() => File.ReadAllText(InTestData("mobilenetv2", "deploy.prototxt")));
    static readonly Lazy<string> WeightsText = new(() => TextFormat.Print(
        NetParameter.Parser.ParseFrom(File.ReadAllBytes(InTestData("lenet", "lenet_iter_10000.caffemodel")))));

    NetParameter deployNet = new();

    static string InTestData(params string[] parts)
    {
        // BenchmarkDotNet runs a generated project under bin/; the repository is above it.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CaffeNet.sln")))
                return Path.Combine([dir.FullName, "testdata", .. parts]);
        }
        throw new InvalidOperationException("CaffeNet.sln not found above " + AppContext.BaseDirectory);
    }

    public long BytesPerOperation(string method) => method == nameof(ParseWeightsText)
        ? WeightsText.Value.Length
        : Deploy.Value.Length;

    [GlobalSetup]
    public void Setup() => deployNet = TextFormat.Parse<NetParameter>(Deploy.Value, "deploy.prototxt");

    [Benchmark(Baseline = true)]
    public NetParameter ParseDeploy() => TextFormat.Parse<NetParameter>(Deploy.Value, "deploy.prototxt");

    [Benchmark]
    public string PrintDeploy() => TextFormat.Print(deployNet);

    [Benchmark]
    public NetParameter ParseWeightsText() => TextFormat.Parse<NetParameter>(WeightsText.Value, "lenet.prototxt");
}
