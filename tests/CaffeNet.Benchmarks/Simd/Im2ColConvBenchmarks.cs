using BenchmarkDotNet.Attributes;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Benchmarks.Simd;

/// <summary>
/// Ordinary 3x3 stride-1 pad-1 convolutions C -> C at H x H, bias and ReLU fused: one im2col of the
/// whole image and one SGEMM over the pool, against <see cref="Im2ColConv"/>'s strips.
/// </summary>
[Config(typeof(KernelConfig))]
public class Im2ColConvBenchmarks : IFlopCount
{
    float[] _input = null!, _output = null!, _bias = null!, _columns = null!;
    PackedMatrix _packed = null!;
    WorkerPool? _pool;

    [Params("16x112", "64x56", "256x14")]
    public string Shape { get; set; } = "64x56";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    (int C, int H) Dims
    {
        get
        {
            var parts = Shape.Split('x').Select(int.Parse).ToArray();
            return (parts[0], parts[1]);
        }
    }

    ConvolutionParams Params => new(Dims.C, 3, 3, 1, 1, 1, 1);

    public double Flops => 2.0 * Dims.C * Dims.C * 9 * Dims.H * Dims.H;

    [GlobalSetup]
    public void Setup()
    {
        var (c, h) = Dims;
        var rng = new Random(1);
        _input = new float[c * h * h];
        for (int i = 0; i < _input.Length; i++)
            _input[i] = (float)rng.NextDouble() - 0.5f;
        var weights = new float[c * c * 9];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)rng.NextDouble() - 0.5f;
        _bias = new float[c];
        _output = new float[c * h * h];
        _columns = new float[c * 9 * h * h];
        _packed = PackedMatrix.Pack(weights, c, c * 9, c * 9);
        _pool = Threads > 1 ? new WorkerPool(Threads) : null;
    }

    [GlobalCleanup]
    public void Cleanup() => _pool?.Dispose();

    [Benchmark(Baseline = true)]
    public void WholeImage()
    {
        var (c, h) = Dims;
        Im2Col.Forward(_input, c, h, h, Params, h, h, _columns);
        Sgemm.Multiply(_packed, _columns, h * h, _output, h * h, h * h, _bias, activation: Activation.Relu, pool: _pool);
    }

    [Benchmark]
    public void Strips()
    {
        var (c, h) = Dims;
        Im2ColConv.Forward(_packed, _input, _output, 1, c, h, h, Params, h, h, _bias, activation: Activation.Relu, pool: _pool);
    }
}
