using System.CommandLine;
using CaffeNet.Cli.Bench;
using CaffeNet.Cli.Run;
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet bench`: time forward passes, as `caffe time` does.</summary>
public sealed class BenchCommand : CliCommand
{
    readonly Argument<string> model = SharedOptions.Model();
    readonly Option<string> weights = SharedOptions.Weights(
        "A .caffemodel with the net's weights: every learnable layer must have its blobs there (see --fill-missing); " +
        "without it, seeded filler weights with BatchNorm statistics calibrated on the input");
    readonly Option<bool> fillMissing = SharedOptions.FillMissing("seed 1");
    readonly Option<int?> batch = SharedOptions.OptionalWholeNumber("--batch",
        "Set the first dimension of every input (default: the net's)", min: 1, max: int.MaxValue);
    readonly Option<Dictionary<string, Shape>> inputs = SharedOptions.InputShapes(
        "Set an input's shape (repeatable), e.g. for a Data layer whose size only its database knows");
    readonly Option<int> threads = SharedOptions.Threads(
        "Threads (by default every core); a batch that splits evenly over them runs whole images per thread where every layer allows it");
    readonly Option<string> split = SharedOptions.OneOf("--split",
        "Auto, layers (every layer split over the threads) or images (whole images per thread; refused where not legal)",
        "auto", "layers", "images");
    readonly Option<int> iterations = SharedOptions.WholeNumber("--iterations", "Timed forwards", min: 1, max: int.MaxValue, 50);
    readonly Option<int> warmup = SharedOptions.WholeNumber("--warmup", "Untimed forwards first", min: 0, max: int.MaxValue, 10);
    readonly Option<int> warmupMs = SharedOptions.WholeNumber("--warmup-ms",
        "Keep warming up until this many milliseconds have passed: the JIT recompiles hot kernels in the background during " +
        "the first second or so, and timings taken before are not steady", min: 0, max: int.MaxValue, 2000);
    readonly Option<bool> perLayer = new("--per-layer") { Description = "A table of layers (fused nodes) with median ms, share and GFLOP/s" };
    readonly Option<bool> json = SharedOptions.Json("Print one JSON object instead of text");
    readonly Option<bool> noFuse = new("--no-fuse") { Description = "Every layer as written on the reference kernels" };
    readonly Option<MemoryBudget> maxMemory = SharedOptions.MaxMemory();
    readonly Option<bool> lenient = SharedOptions.Lenient();

    public BenchCommand() : base("bench",
        "Time forward passes of a model on random inputs (median, min, max; per layer)")
    {
        Arguments.Add(model);
        Options.Add(weights);
        Options.Add(fillMissing);
        Options.Add(batch);
        Options.Add(inputs);
        Options.Add(threads);
        Options.Add(split);
        Options.Add(iterations);
        Options.Add(warmup);
        Options.Add(warmupMs);
        Options.Add(perLayer);
        Options.Add(json);
        Options.Add(noFuse);
        Options.Add(maxMemory);
        Options.Add(lenient);
        SharedOptions.OnlyWith(this, fillMissing, weights);
        Validators.Add(r =>
        {
            if (r.GetValue(noFuse) && r.GetValue(split) == "images")
                r.AddError("--split images runs the fused kernels, so it cannot be combined with --no-fuse");
        });
    }

    protected override int Run(ParseResult result, TextWriter stdout, TextWriter stderr)
    {
        int threadCount = result.GetValue(threads);
        bool reference = result.GetValue(noFuse);
        var modelFile = result.GetRequiredValue(model);
        // The net only becomes runtime weights here: its blob data can skip the per-blob arrays.
        var import = new ImportOptions(result.GetValue(lenient), Warnings(stderr)) { DataAside = true };
        var weightsFile = result.GetValue(weights);
        var net = ModelLoader.Load(modelFile, weightsFile, import);
        var graphOptions = new GraphOptions { InputShapes = result.GetRequiredValue(inputs) };
        var graph = GraphBuilder.Build(net, LayerRegistry.Default, graphOptions);
        var budget = result.GetRequiredValue(maxMemory);
        var executorOptions = (reference ? ExecutorOptions.Reference with { Threads = threadCount } : ExecutorOptions.Fast(threadCount))
            with { Budget = budget };
        int batchSize;
        if (result.GetValue(batch) is int n)
        {
            CheckScaled(graph, n, executorOptions, weightsFile is null, budget);
            var shapes = graph.Inputs.Where(v => v.Shape.Rank > 0)
                .ToDictionary(v => v.Name, v => new Shape([n, .. v.Shape.Dims.Skip(1)]), StringComparer.Ordinal);
            graphOptions = graphOptions with { InputShapes = shapes };
            graph = GraphBuilder.Build(net, LayerRegistry.Default, graphOptions);
            batchSize = n;
        }
        else
            batchSize = graph.Inputs.Count > 0 && graph.Inputs[0].Shape.Rank > 0 ? graph.Inputs[0].Shape.Dims[0] : 1;

        budget.Check(Needs(graph, executorOptions, calibrate: weightsFile is null), $"net {Excerpt.Name(graph.Name)}");
        var source = new WeightsSource(weightsFile, result.GetValue(fillMissing), Seed: 1);
        var netWeights = source.Resolve(graph, Warnings(stderr), budget);
        var netInputs = NetInputs.Random(graph, seed: 1, budget);
        if (weightsFile is null)
        {
            using var calibration = new Executor(graph, netWeights, ExecutorOptions.Reference with { Budget = budget });
            BatchNormCalibration.Calibrate(calibration, netInputs);
        }
        using var executor = new Executor(graph, netWeights, executorOptions);
        using var images = SplitImages(result.GetRequiredValue(split), reference, net, graphOptions, graph, netWeights, threadCount, budget);
        Action<Tensor[], Tensor[]> forward = images is null ? (i, o) => executor.Forward(i, o) : images.Forward;
        int timed = result.GetValue(iterations);
        var timing = BenchTiming.Measure(forward, executor, graph, netInputs, result.GetValue(warmup),
            TimeSpan.FromMilliseconds(result.GetValue(warmupMs)), timed);

        var report = new BenchReport(modelFile, batchSize, threadCount, images is null ? "layers" : "images", timed,
            source.Note(graph, netWeights, calibrated: weightsFile is null), timing);
        if (result.GetValue(json))
            report.WriteJson(stdout);
        else
            report.WriteText(stdout, result.GetValue(perLayer));
        return App.Ok;
    }

    /// <summary>
    /// Weights, random inputs, the output tensors and the timed executor; calibration's reference
    /// executor comes and goes before it, so the larger of the two counts. Image-parallel lanes are
    /// checked when they are made.
    /// </summary>
    static MemoryEstimate Needs(NetGraph graph, ExecutorOptions options, bool calibrate)
    {
        var timed = Executor.EstimateMemory(graph, options);
        var calibration = calibrate ? Executor.EstimateMemory(graph, ExecutorOptions.Reference) : timed;
        return MemoryEstimate.ForWeights(graph) + (calibration.Total > timed.Total ? calibration : timed) + new MemoryEstimate
        {
            Inputs = MemoryEstimate.TensorBytes(graph.Inputs.Select(v => v.Shape)),
            Outputs = MemoryEstimate.TensorBytes(graph.Outputs.Select(v => v.Shape)),
        };
    }

    /// <summary>
    /// Refuses a --batch larger than the net's whose memory, scaled from the net's own batch, is over
    /// budget, before the net is lowered at that batch: a huge batch is then refused with the
    /// memory it would take, not with the first blob that outgrows Caffe's limit of 2^31 - 1 values.
    /// </summary>
    static void CheckScaled(NetGraph graph, int batch, ExecutorOptions options, bool calibrate, MemoryBudget budget)
    {
        int own = graph.Inputs.Count > 0 && graph.Inputs[0].Shape is { IsComplete: true, Rank: > 0 } shape ? shape.Dims[0] : 0;
        if (own == 0 || batch <= own)
            return;
        var needs = Needs(graph, options, calibrate);
        double factor = (double)batch / own;
        budget.Check(needs with
        {
            Inputs = (long)(needs.Inputs * factor),
            Activations = (long)(needs.Activations * factor),
            Outputs = (long)(needs.Outputs * factor),
        }, $"net {Excerpt.Name(graph.Name)} at batch {batch} (scaled from batch {own})");
    }

    /// <summary>The image-parallel executor where <paramref name="mode"/> asks for it or (auto) where it applies; null for layer splitting.</summary>
    static ImageParallelExecutor? SplitImages(string mode, bool noFuse, NetParameter net, GraphOptions graphOptions, NetGraph graph,
        NetWeights weights, int threads, MemoryBudget budget)
    {
        if (mode == "layers" || noFuse)
            return null;
        var images = ImageParallelExecutor.TryCreate(net, graphOptions, graph, weights, threads, budget);
        if (images is null && mode == "images")
            throw new CaffeNetException(
                $"--split images needs 2 or more threads, a batch that splits over them, and layers that each treat images apart");
        return images;
    }
}
