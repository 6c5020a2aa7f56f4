using BenchmarkDotNet.Attributes;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Benchmarks.Simd;

/// <summary>
/// MobileNetV2's conv_1_1: 3 -> 32 channels, 3x3 stride 2 pad 1, 224x224 -> 112x112, bias and ReLU
/// fused. The im2col + SGEMM path it used to take (whole image, then one SGEMM over the pool), the
/// same by strips (<see cref="Im2ColConv"/>, where other group-1 convolutions go now), and
/// <see cref="DirectConv"/>, which it takes now.
/// </summary>
[Config(typeof(KernelConfig))]
public class FirstConvBenchmarks : IFlopCount
{
    const int Channels = 3, Outputs = 32, Size = 224, OutSize = 112, Taps = Channels * 9;
    static readonly ConvolutionParams Params = new(Outputs, 3, 3, 2, 2, 1, 1);

    float[] _input = null!, _output = null!, _bias = null!, _columns = null!;
    PackedMatrix _packed = null!;
    DirectConv _direct = null!;
    WorkerPool? _pool;

    [Params(1, 8)]
    public int Batch { get; set; } = 1;

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    public double Flops => 2.0 * Batch * Outputs * Taps * OutSize * OutSize;

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _input = new float[Batch * Channels * Size * Size];
        for (int i = 0; i < _input.Length; i++)
            _input[i] = (float)rng.NextDouble() - 0.5f;
        var weights = new float[Outputs * Taps];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = (float)rng.NextDouble() - 0.5f;
        _bias = new float[Outputs];
        _output = new float[Batch * Outputs * OutSize * OutSize];
        _columns = new float[Taps * OutSize * OutSize];
        _packed = PackedMatrix.Pack(weights, Outputs, Taps, Taps);
        _direct = new DirectConv(weights, _bias, Outputs, Channels, ConvWindow.Square(3, 2, 1));
        _pool = Threads > 1 ? new WorkerPool(Threads) : null;
    }

    [GlobalCleanup]
    public void Cleanup() => _pool?.Dispose();

    [Benchmark(Baseline = true)]
    public void Im2ColGemm()
    {
        int inImage = Channels * Size * Size, plane = OutSize * OutSize;
        for (int n = 0; n < Batch; n++)
        {
            Im2Col.Forward(_input.AsSpan(n * inImage, inImage), Channels, Size, Size, Params, OutSize, OutSize, _columns);
            Sgemm.Multiply(_packed, _columns, plane, _output.AsSpan(n * Outputs * plane, Outputs * plane), plane, plane, _bias,
                activation: Activation.Relu, pool: _pool);
        }
    }

    [Benchmark]
    public void Im2ColStrips() =>
        Im2ColConv.Forward(_packed, _input, _output, Batch, Channels, Size, Size, Params, OutSize, OutSize, _bias, activation: Activation.Relu, pool: _pool);

    [Benchmark]
    public void Direct() => _direct.Forward(_input, _output, Batch, Size, Size, Activation.Relu, _pool);
}
