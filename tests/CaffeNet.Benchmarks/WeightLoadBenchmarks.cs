using BenchmarkDotNet.Attributes;
using CaffeNet.Import.Binary;
using CaffeNet.Proto;
using Google.Protobuf;

namespace CaffeNet.Benchmarks;

/// <summary>
/// Loading a weight-heavy caffemodel (~100 MB of float blobs, generated in setup). ReadNet is
/// what users call; the other two show where the time goes: the wire check alone, and
/// Google.Protobuf parsing from a FileStream (its slow element-by-element packed path).
/// </summary>
[Config(typeof(ThroughputConfig))]
[MemoryDiagnoser]
public class WeightLoadBenchmarks : IThroughput
{
    static readonly Lazy<long> ModelBytes = new(() => BuildModel().CalculateSize());
    string path = "";
    byte[] bytes = [];

    /// <summary>Ten InnerProduct layers of 2500x1000 weights and 2500 biases: 100.1 MB.</summary>
    static NetParameter BuildModel()
    {
        var net = new NetParameter { Name = "bench" };
        var random = new Random(1);
        for (int i = 0; i < 10; i++)
        {
            var layer = new LayerParameter { Name = $"fc{i}", Type = "InnerProduct" };
            foreach (long[] shape in new[] { new long[] { 2500, 1000 }, [2500] })
            {
                var blob = new BlobProto { Shape = new BlobShape() };
                blob.Shape.Dim.Add(shape);
                long count = shape.Aggregate(1L, (a, b) => a * b);
                for (long k = 0; k < count; k++)
                    blob.Data.Add((float)random.NextDouble());
                layer.Blobs.Add(blob);
            }
            net.Layer.Add(layer);
        }
        return net;
    }

    public long BytesPerOperation(string method) => ModelBytes.Value;

    [GlobalSetup]
    public void Setup()
    {
        path = Path.Combine(Path.GetTempPath(), $"caffenet-bench-{Environment.ProcessId}.caffemodel");
        BinaryFormat.Write(BuildModel(), path);
        bytes = File.ReadAllBytes(path);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(path);

    [Benchmark(Baseline = true)]
    public NetParameter ReadNet() => BinaryFormat.ReadNet(path);

    [Benchmark]
    public void ValidateOnly() =>
        WireValidator.Validate(bytes, NetParameter.Descriptor, path, CaffeNet.Import.ImportOptions.Strict);

    [Benchmark]
    public NetParameter GoogleProtobufFromFileStream()
    {
        using var stream = File.OpenRead(path);
        return NetParameter.Parser.ParseFrom(stream);
    }
}
