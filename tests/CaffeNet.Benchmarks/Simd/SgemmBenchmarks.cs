using BenchmarkDotNet.Attributes;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Benchmarks.Simd;

/// <summary>
/// SGEMM at MobileNetV2's 1x1 convolution shapes, M x K x N = Cout x Cin x H*W, with bias and ReLU
/// fused, on each native path and 1 or 2 threads.
/// </summary>
[Config(typeof(KernelConfig))]
public class SgemmBenchmarks : IFlopCount
{
    PackedMatrix _a = null!;
    float[] _b = null!, _c = null!, _bias = null!;
    WorkerPool? _pool;

    [Params("96x16x12544", "144x24x3136", "32x144x3136", "24x144x3136", "576x96x196", "960x160x49", "160x960x49", "1280x320x49")]
    public string Shape { get; set; } = "96x16x12544";

    [ParamsSource(nameof(Paths))]
    // By name: SimdPath is internal, and BenchmarkDotNet parameters must be public.
    public string Path { get; set; } = nameof(SimdPath.Vector256);

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    public static IEnumerable<string> Paths() => NativePaths.All().Select(p => p.ToString());

    (int M, int K, int N) Dims
    {
        get
        {
            var parts = Shape.Split('x').Select(int.Parse).ToArray();
            return (parts[0], parts[1], parts[2]);
        }
    }

    public double Flops => 2.0 * Dims.M * Dims.K * Dims.N;

    [GlobalSetup]
    public void Setup()
    {
        var (m, k, n) = Dims;
        var rng = new Random(1);
        var a = new float[m * k];
        for (int i = 0; i < a.Length; i++)
            a[i] = (float)rng.NextDouble() - 0.5f;
        _a = PackedMatrix.Pack(a, m, k, k, false, Enum.Parse<SimdPath>(Path));
        _b = new float[k * n];
        for (int i = 0; i < _b.Length; i++)
            _b[i] = (float)rng.NextDouble() - 0.5f;
        _c = new float[m * n];
        _bias = new float[m];
        _pool = Threads > 1 ? new WorkerPool(Threads) : null;
    }

    [GlobalCleanup]
    public void Cleanup() => _pool?.Dispose();

    [Benchmark]
    public void Sgemm1x1()
    {
        int n = Dims.N;
        Sgemm.Multiply(_a, _b, n, _c, n, n, _bias, activation: Activation.Relu, pool: _pool);
    }
}
