using System.Diagnostics;
using CaffeNet.Graph;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Bench;

/// <summary>Forward times in milliseconds: whole passes, then each running node over a separate set of passes.</summary>
internal sealed record BenchTiming(double[] Forward, Node[] Nodes, double[][] PerNode)
{
    /// <summary>Times <paramref name="forward"/>; the per-layer pass runs on <paramref name="executor"/>, layer by layer.</summary>
    public static BenchTiming Measure(Action<Tensor[], Tensor[]> forward, Executor executor, NetGraph graph, Dictionary<string, Tensor> inputs,
        int warmup, TimeSpan warmupTime, int iterations)
    {
        var ins = graph.Inputs.Select(v => inputs[v.Name]).ToArray();
        var outs = graph.Outputs.Select(v => new Tensor(new Runtime.TensorShape([.. v.Shape.Dims]))).ToArray();
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(warmupStart) < warmupTime; i++)
            forward(ins, outs);
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            forward(ins, outs);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        // Per node: a separate pass timed between observer calls, so the totals above carry no overhead.
        var nodes = executor.RunningNodes.ToArray();
        var perNode = nodes.Select(_ => new double[iterations]).ToArray();
        int iteration = 0, step = 0;
        long last = 0;
        void Observe(Node node, IReadOnlyList<Tensor> _)
        {
            long now = Stopwatch.GetTimestamp();
            perNode[step++][iteration] = Stopwatch.GetElapsedTime(last, now).TotalMilliseconds;
            last = Stopwatch.GetTimestamp();
        }
        for (iteration = 0; iteration < iterations; iteration++)
        {
            step = 0;
            last = Stopwatch.GetTimestamp();
            executor.Run(Observe);
        }
        return new BenchTiming(times, nodes, perNode);
    }

    public static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
