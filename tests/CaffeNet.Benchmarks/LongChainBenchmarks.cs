using BenchmarkDotNet.Attributes;
using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Benchmarks;

/// <summary>
/// Nets of 10k and 100k layers (issue 10, point 8), where graph building, the passes and the memory
/// plan were quadratic: a chain of out-of-place ReLUs, and of 1x1 Convolutions each with an
/// in-place ReLU, on a 1x4x8x8 input. Build is the lowering to a graph; Prepare is an executor on
/// the fast path (passes, memory plan, weights bound); Forward is one pass through it.
/// Quick run: `-- --filter '*LongChain*' --inProcess --iterationCount 3 --warmupCount 1`.
/// </summary>
[MemoryDiagnoser]
public class LongChainBenchmarks
{
    [Params(10_000, 100_000)]
    public int Layers { get; set; }

    [Params("ReLU", "Conv+ReLU")]
    public string Chain { get; set; } = "ReLU";

    NetParameter _net = new();
    NetGraph? _graph;
    NetWeights? _weights;
    Executor? _executor;

    [GlobalSetup]
    public void Setup()
    {
        _net = Chain == "ReLU" ? ReLUChain(Layers) : ConvChain(Layers / 2);
        _graph = GraphBuilder.Build(_net, LayerRegistry.Default);
        _weights = NetWeights.Resolve(_graph, MissingWeights.Fill(1));
        _executor = new Executor(_graph, _weights, ExecutorOptions.Fast());
    }

    [GlobalCleanup]
    public void Cleanup() => _executor?.Dispose();

    [Benchmark]
    public NetGraph Build() => GraphBuilder.Build(_net, LayerRegistry.Default);

    [Benchmark]
    public long Prepare()
    {
        using var executor = new Executor(_graph!, _weights!, ExecutorOptions.Fast());
        return executor.Memory.ArenaFloats;
    }

    [Benchmark]
    public void Forward() => _executor!.Run();

    static LayerParameter Input(string top) => new()
    {
        Name = top,
        Type = "Input",
        Top = { top },
        InputParam = new InputParameter { Shape = { new BlobShape { Dim = { 1, 4, 8, 8 } } } },
    };

    static NetParameter ReLUChain(int layers)
    {
        var net = new NetParameter { Name = "relu-chain", Layer = { Input("r0") } };
        for (int i = 1; i <= layers; i++)
            net.Layer.Add(new LayerParameter { Name = $"r{i}", Type = "ReLU", Bottom = { $"r{i - 1}" }, Top = { $"r{i}" } });
        return net;
    }

    static NetParameter ConvChain(int pairs)
    {
        var net = new NetParameter { Name = "conv-chain", Layer = { Input("c0") } };
        for (int i = 1; i <= pairs; i++)
        {
            net.Layer.Add(new LayerParameter
            {
                Name = $"conv{i}",
                Type = "Convolution",
                Bottom = { $"c{i - 1}" },
                Top = { $"c{i}" },
                ConvolutionParam = new ConvolutionParameter { NumOutput = 4, KernelSize = { 1 }, WeightFiller = new FillerParameter { Type = "msra" } },
            });
            net.Layer.Add(new LayerParameter { Name = $"relu{i}", Type = "ReLU", Bottom = { $"c{i}" }, Top = { $"c{i}" } });
        }
        return net;
    }
}
