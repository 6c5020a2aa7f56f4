using BenchmarkDotNet.Attributes;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Benchmarks.Simd;

/// <summary>3x3 depthwise convolution, pad 1, bias and ReLU fused, at MobileNetV2 shapes C x H x H / stride.</summary>
[Config(typeof(KernelConfig))]
public class DepthwiseBenchmarks : IFlopCount
{
    float[] _input = null!, _output = null!, _weights = null!, _bias = null!;
    WorkerPool? _pool;

    // Every depthwise layer shape of MobileNetV2 (input planes; the 28, 14 and 7 ones repeat in the net).
    [Params("32x112/1", "96x112/2", "144x56/1", "144x56/2", "192x28/1", "192x28/2", "384x14/1", "576x14/1", "576x14/2", "960x7/1")]
    public string Shape { get; set; } = "144x56/1";

    [ParamsSource(nameof(Paths))]
    // By name: SimdPath is internal, and BenchmarkDotNet parameters must be public.
    public string Path { get; set; } = nameof(SimdPath.Vector256);

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    public static IEnumerable<string> Paths() => NativePaths.All().Select(p => p.ToString());

    (int C, int H, int Stride) Dims
    {
        get
        {
            var parts = Shape.Split('x', '/').Select(int.Parse).ToArray();
            return (parts[0], parts[1], parts[2]);
        }
    }

    ConvWindow Window => ConvWindow.Square(3, Dims.Stride, 1);

    public double Flops
    {
        get
        {
            int o = Window.OutputHeight(Dims.H);
            return 2.0 * 9 * Dims.C * o * o;
        }
    }

    [GlobalSetup]
    public void Setup()
    {
        var (c, h, _) = Dims;
        int o = Window.OutputHeight(h);
        var rng = new Random(1);
        _input = new float[c * h * h];
        for (int i = 0; i < _input.Length; i++)
            _input[i] = (float)rng.NextDouble() - 0.5f;
        _weights = new float[c * 9];
        for (int i = 0; i < _weights.Length; i++)
            _weights[i] = (float)rng.NextDouble() - 0.5f;
        _bias = new float[c];
        _output = new float[c * o * o];
        _pool = Threads > 1 ? new WorkerPool(Threads) : null;
    }

    [GlobalCleanup]
    public void Cleanup() => _pool?.Dispose();

    [Benchmark]
    public void Depthwise3x3()
    {
        var (c, h, _) = Dims;
        DepthwiseConv.Forward(Enum.Parse<SimdPath>(Path), _input, _output, 1, c, h, h, _weights, _bias, Window, Activation.Relu, _pool);
    }
}
