using BenchmarkDotNet.Attributes;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Benchmarks.Simd;

/// <summary>
/// ResNet-50's and SqueezeNet's KxK and strided 1x1 convolutions (bias and ReLU fused) on
/// <see cref="BlockedConv"/> in the machine's block, against the NCHW <see cref="Im2ColConv"/> they
/// ran on before. Shape: inputs x outputs x input size x kernel x stride (pad = kernel / 2).
/// </summary>
[Config(typeof(KernelConfig))]
public class BlockedConvBenchmarks : IFlopCount
{
    float[] _input = null!, _output = null!, _bias = null!, _blockedInput = null!, _blockedOutput = null!, _blockedBias = null!;
    AlignedFloats _blockedWeights = null!;
    PackedMatrix _packed = null!;
    WorkerPool? _pool;
    int _block;

    [Params("64x64x56x3x1", "128x128x28x3x1", "256x256x14x3x1", "512x512x7x3x1", "256x512x56x1x2", "16x64x56x3x1", "64x256x14x3x1")]
    public string Shape { get; set; } = "64x64x56x3x1";

    [Params(1, 2)]
    public int Threads { get; set; } = 1;

    (int C, int O, int H, int K, int S) Dims
    {
        get
        {
            var p = Shape.Split('x').Select(int.Parse).ToArray();
            return (p[0], p[1], p[2], p[3], p[4]);
        }
    }

    ConvWindow Window => ConvWindow.Square(Dims.K, Dims.S, Dims.K / 2);

    int OutSize => Window.OutputHeight(Dims.H);

    public double Flops => 2.0 * Dims.C * Dims.O * Dims.K * Dims.K * OutSize * OutSize;

    [GlobalSetup]
    public void Setup()
    {
        var (c, o, h, k, _) = Dims;
        _block = BlockedIo.NativeBlock == 0 ? 8 : BlockedIo.NativeBlock;
        var rng = new Random(1);
        _input = new float[c * h * h];
        for (int i = 0; i < _input.Length; i++)
            _input[i] = (float)rng.NextDouble() - 0.5f;
        var weights = new float[o * c * k * k];
        for (int i = 0; i < weights.Length; i++)
            weights[i] = ((float)rng.NextDouble() - 0.5f) * 0.1f;
        _bias = new float[o];
        _output = new float[o * OutSize * OutSize];
        _packed = PackedMatrix.Pack(weights, o, c * k * k, c * k * k);
        _blockedInput = new float[ChannelBlocks(c) * _block * h * h];
        BlockedReorder.ToBlocked(_input, _blockedInput, 1, c, h * h, _block);
        _blockedOutput = new float[ChannelBlocks(o) * _block * OutSize * OutSize];
        _blockedWeights = BlockedConv.PackWeights(weights, o, c, k * k, _block);
        _blockedBias = BlockedDepthwise.PackChannels(_bias, o, _block);
        _pool = Threads > 1 ? new WorkerPool(Threads) : null;
    }

    int ChannelBlocks(int channels) => (channels + _block - 1) / _block;

    [GlobalCleanup]
    public void Cleanup() => _pool?.Dispose();

    [Benchmark(Baseline = true)]
    public void Im2Col()
    {
        var (c, o, h, k, s) = Dims;
        var p = new ConvolutionParams(o, k, k, s, s, k / 2, k / 2);
        Im2ColConv.Forward(_packed, _input, _output, 1, c, h, h, p, OutSize, OutSize, _bias, activation: Activation.Relu, pool: _pool);
    }

    [Benchmark]
    public void Blocked()
    {
        var (c, o, h, _, _) = Dims;
        BlockedConv.Forward(_block, _blockedInput, _blockedOutput, default, 1, c, h, h, o, _blockedWeights, _blockedBias, Window,
            Activation.Relu, _pool);
    }
}
