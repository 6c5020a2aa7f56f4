using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet bench`: time forward passes, as `caffe time` does.</summary>
public sealed class BenchCommand : ICommand
{
    public string Name => "bench";

    public CommandSpec Spec { get; } = new(
        Summary: "time forward passes of a model (median, min, max; per layer)",
        Usage: """
            usage: caffenet bench MODEL.prototxt [options]

            Runs the net on random inputs and reports the median, min and max milliseconds per
            forward over the timed iterations. Layers without weights get seeded filler weights,
            with BatchNorm statistics calibrated on the input.

              --weights FILE     a .caffemodel with the net's weights
              --batch N          set the first dimension of every input (default: the net's)
              --input NAME=N,C,H,W  set an input's shape (repeatable), e.g. for a Data layer
                                 whose size only its database knows
              --threads N        threads (default 1); a batch that splits evenly over them runs
                                 whole images per thread where every layer allows it
              --split MODE       auto (default), layers (every layer split over the threads) or
                                 images (whole images per thread; refused where not legal)
              --iterations N     timed forwards (default 50)
              --warmup N         untimed forwards first (default 10)
              --warmup-ms MS     keep warming up until this much time has passed (default 2000):
                                 the JIT recompiles hot kernels in the background during the
                                 first second or so, and timings taken before are not steady
              --per-layer        a table of layers (fused nodes) with median ms, share and GFLOP/s
              --json             print one JSON object instead of text
              --no-fuse          every layer as written on the reference kernels
            """,
        MinPositional: 1,
        MaxPositional: 1,
        ValueOptions: ["--weights", "--batch", "--input", "--threads", "--split", "--iterations", "--warmup", "--warmup-ms"],
        FlagOptions: ["--per-layer", "--json", "--no-fuse"]);

    public int Run(Options options, TextWriter stdout, TextWriter stderr)
    {
        int batch = options.GetInt("--batch", 0);
        int threads = options.GetInt("--threads", 1);
        int iterations = options.GetInt("--iterations", 50);
        int warmup = options.GetInt("--warmup", 10);
        int warmupMs = options.GetInt("--warmup-ms", 2000);
        if (batch < 0 || options.Get("--batch") is not null && batch == 0)
            throw new CaffeNetException($"--batch must be a positive integer, not {batch}");
        if (threads is < 1 or > 256)
            throw new CaffeNetException($"--threads must be between 1 and 256, not {threads}");
        if (iterations < 1)
            throw new CaffeNetException($"--iterations must be at least 1, not {iterations}");
        if (warmup < 0)
            throw new CaffeNetException($"--warmup must not be negative, not {warmup}");
        if (warmupMs < 0)
            throw new CaffeNetException($"--warmup-ms must not be negative, not {warmupMs}");

        var model = options.Positional[0];
        var import = new ImportOptions(Lenient: true, Warning: w => stderr.WriteLine($"caffenet bench: warning: {w}"));
        var weightsFile = options.Get("--weights");
        var net = ModelLoader.Load(model, weightsFile, import);
        var given = InputShapeOption.Parse(options.GetAll("--input"));
        var graphOptions = new GraphOptions { InputShapes = given };
        var graph = GraphBuilder.Build(net, graphOptions);
        if (batch > 0)
        {
            var shapes = graph.Inputs.Where(v => v.Shape.Rank > 0)
                .ToDictionary(v => v.Name, v => new Shape([batch, .. v.Shape.Dims.Skip(1)]), StringComparer.Ordinal);
            graphOptions = graphOptions with { InputShapes = shapes };
            graph = GraphBuilder.Build(net, graphOptions);
        }
        else
            batch = graph.Inputs.Count > 0 && graph.Inputs[0].Shape.Rank > 0 ? graph.Inputs[0].Shape.Dims[0] : 1;

        var weights = NetWeights.Resolve(graph, seed: 1);
        var inputs = NetInputs.Random(graph, seed: 1);
        if (weightsFile is null)
        {
            using var reference = new Executor(graph, weights);
            BatchNormCalibration.Calibrate(reference, inputs);
        }
        var executorOptions = options.Has("--no-fuse") ? ExecutorOptions.Reference with { Threads = threads } : ExecutorOptions.Fast(threads);
        using var executor = new Executor(graph, weights, executorOptions);
        using var images = SplitImages(options.Get("--split") ?? "auto", options.Has("--no-fuse"), net, graphOptions, graph, weights, threads);
        Action<Tensor[], Tensor[]> forward = images is null ? (i, o) => executor.Forward(i, o) : images.Forward;
        var result = Measure(forward, executor, graph, inputs, warmup, TimeSpan.FromMilliseconds(warmupMs), iterations);

        string split = images is null ? "layers" : "images";
        if (options.Has("--json"))
            WriteJson(stdout, model, batch, threads, split, iterations, result);
        else
            WriteText(stdout, model, batch, threads, split, iterations, result, options.Has("--per-layer"));
        return App.Ok;
    }

    static ImageParallelExecutor? SplitImages(string mode, bool noFuse, NetParameter net, GraphOptions graphOptions, NetGraph graph,
        NetWeights weights, int threads)
    {
        if (mode is not ("auto" or "layers" or "images"))
            throw new CaffeNetException($"--split must be auto, layers or images, not '{mode}'");
        if (noFuse && mode == "images")
            throw new CaffeNetException("--split images runs the fused kernels, so it cannot be combined with --no-fuse");
        if (mode == "layers" || noFuse)
            return null;
        var images = ImageParallelExecutor.TryCreate(net, graphOptions, graph, weights, threads);
        if (images is null && mode == "images")
            throw new CaffeNetException(
                $"--split images needs 2 or more threads, a batch that splits over them, and layers that each treat images apart");
        return images;
    }

    sealed record Timing(double[] Forward, Node[] Nodes, double[][] PerNode);

    /// <summary>Times <paramref name="forward"/>; the per-layer pass runs on <paramref name="executor"/>, layer by layer.</summary>
    static Timing Measure(Action<Tensor[], Tensor[]> forward, Executor executor, NetGraph graph, Dictionary<string, Tensor> inputs,
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
        return new Timing(times, nodes, perNode);
    }

    static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static void WriteJson(TextWriter stdout, string model, int batch, int threads, string split, int iterations, Timing t)
    {
        var doc = new Dictionary<string, object>
        {
            ["model"] = model,
            ["batch"] = batch,
            ["threads"] = threads,
            ["split"] = split,
            ["iterations"] = iterations,
            ["ms"] = new Dictionary<string, double> { ["median"] = Median(t.Forward), ["min"] = t.Forward.Min(), ["max"] = t.Forward.Max() },
            ["layers"] = t.Nodes.Select((n, i) => new Dictionary<string, object> { ["name"] = n.Name, ["type"] = n.Type, ["ms"] = Median(t.PerNode[i]) }).ToArray(),
        };
        stdout.WriteLine(JsonSerializer.Serialize(doc));
    }

    static void WriteText(TextWriter stdout, string model, int batch, int threads, string split, int iterations, Timing t, bool perLayer)
    {
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(c, $"{model}: batch {batch}, {threads} thread(s) splitting {split}, {iterations} iterations"));
        stdout.WriteLine(string.Create(c, $"forward: median {Median(t.Forward):F3} ms, min {t.Forward.Min():F3} ms, max {t.Forward.Max():F3} ms"));
        if (!perLayer)
            return;
        if (split == "images")
            stdout.WriteLine("layers: the whole batch, each layer split over the threads (whole images per thread have no per-layer time)");
        var medians = t.PerNode.Select(Median).ToArray();
        double total = medians.Sum();
        stdout.WriteLine();
        stdout.WriteLine($"{"layer",-32} {"type",-14} {"ms",9} {"share",7} {"GFLOP/s",9}");
        for (int i = 0; i < t.Nodes.Length; i++)
        {
            var node = t.Nodes[i];
            double gflops = medians[i] > 0 ? 2.0 * (node.Cost.Macs ?? 0) / (medians[i] * 1e6) : 0;
            stdout.WriteLine(string.Create(c,
                $"{node.Name,-32} {node.Type,-14} {medians[i],9:F3} {100 * medians[i] / total,6:F1}% {(node.Cost.Macs > 0 ? gflops.ToString("F1", c) : "-"),9}"));
        }
    }
}
