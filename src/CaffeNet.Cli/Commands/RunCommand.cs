using System.CommandLine;
using System.Diagnostics;
using CaffeNet.Cli.Run;
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet run`: one forward pass of a net on .npy or seeded random inputs.</summary>
public sealed class RunCommand : CliCommand
{
    readonly Argument<string> model = SharedOptions.Model();
    readonly Option<string> weights = SharedOptions.Weights(
        "A .caffemodel with the trained weights: every learnable layer must have its blobs there (see --fill-missing); " +
        "without it, all weights are random, from the prototxt's fillers");
    readonly Option<bool> fillMissing = SharedOptions.FillMissing("seeded by --seed");
    readonly Option<string[]> inputs = SharedOptions.InputFiles(
        "A float32/float64 C-order .npy for input NAME (repeatable; FILE - reads standard input); another batch, height or " +
        "width reshapes the net. NAME=N,C,H,W gives a shape only, for --random-input. NAME=IMAGE (JPEG, PNG, BMP, WebP) or " +
        "NAME=FOLDER of images: resized and centre-cropped to the input, the data layer's transform_param applied");
    readonly Option<bool> randomInput = new("--random-input")
    {
        Description = "Uniform [-1, 1) values (labels: class numbers) for inputs not given by --input, from --seed",
    };
    readonly Option<ulong> seed = SharedOptions.Seed("Seed for random inputs and filler weights");
    readonly Option<string> output = new("--output")
    {
        Description = "Write each net output as DIR/<blob>.npy, once the whole forward pass has succeeded; all files appear or none",
        HelpName = "DIR",
    };
    readonly Option<string> dumpAll = new("--dump-all")
    {
        Description = "Write every layer's output as DIR/<layer>.npy (several tops: <layer>.<top>.npy; characters outside " +
            "[A-Za-z0-9._-] become _) and DIR/index.json listing them in execution order; all files appear or none",
        HelpName = "DIR",
    };
    readonly Option<int> threads = SharedOptions.Threads("Threads each layer's work is split over (by default every core)");
    readonly Option<bool> noFuse = new("--no-fuse")
    {
        Description = "Run every layer as written on the reference kernels (as --dump-all does, so that every layer's output exists)",
    };
    readonly Option<Proto.Phase?> phase = SharedOptions.Phase();
    readonly Option<string[]> stages = SharedOptions.Stages();
    readonly Option<bool> json = SharedOptions.Json("Print one JSON object (outputs with shape, min, max, mean, top 5, named with --labels; " +
        "forward ms) instead of text; for a folder of images, one object per image on a line of its own (JSON Lines)");
    readonly Option<MemoryBudget> maxMemory = SharedOptions.MaxMemory();
    readonly Option<bool> lenient = SharedOptions.Lenient();
    readonly ImageOptions images = new();

    public RunCommand() : base("run",
        "Run a net forward on .npy or random inputs and summarise its outputs")
    {
        Arguments.Add(model);
        Options.Add(weights);
        Options.Add(fillMissing);
        Options.Add(inputs);
        Options.Add(randomInput);
        Options.Add(seed);
        Options.Add(output);
        Options.Add(dumpAll);
        Options.Add(threads);
        Options.Add(noFuse);
        Options.Add(phase);
        Options.Add(stages);
        Options.Add(json);
        Options.Add(maxMemory);
        Options.Add(lenient);
        images.AddTo(this);
        SharedOptions.OnlyWith(this, fillMissing, weights);
    }

    protected override int Run(ParseResult result, TextWriter stdout, TextWriter stderr)
    {
        int threadCount = result.GetValue(threads);
        ulong fillerSeed = result.GetValue(seed);
        var outputDir = CheckFolder(result.GetValue(output), "--output");
        var dumpDir = CheckFolder(result.GetValue(dumpAll), "--dump-all");
        var modelFile = result.GetRequiredValue(model);
        var weightsFile = result.GetValue(weights);
        var budget = result.GetRequiredValue(maxMemory);
        var graphOptions = new GraphOptions { Phase = result.GetValue(phase), Stages = result.GetRequiredValue(stages) };
        // The net only becomes runtime weights here: its blob data can skip the per-blob arrays.
        var import = new ImportOptions(result.GetValue(lenient), Warnings(stderr)) { DataAside = true };
        var imageSettings = images.Read(result);
        var labels = LabelReport.Load(imageSettings.Labels);
        var image = ImageRun.Prepare(result.GetRequiredValue(inputs), imageSettings, modelFile, graphOptions, import, budget, out var specs);
        if (image is { IsStream: true } && (outputDir ?? dumpDir) is not null)
            throw new CaffeNetException("--output and --dump-all take one forward pass; a folder of images runs many");
        var setup = NetSetup.Load(modelFile, weightsFile, graphOptions, specs, result.GetValue(randomInput) ? fillerSeed : null,
            import, budget, image?.Given);
        setup.RequireEveryInput();
        // Fused layers have no outputs of their own, so a per-layer dump needs the plain path.
        var mode = (dumpDir is not null || result.GetValue(noFuse)
            ? ExecutorOptions.Reference with { Threads = threadCount }
            : ExecutorOptions.Fast(threadCount)) with { Budget = budget };
        budget.Check(Needs(setup, mode, dumpDir is not null), $"net {Excerpt.Name(setup.Graph.Name)}");

        var netInputs = setup.Inputs(budget);
        var source = new WeightsSource(weightsFile, result.GetValue(fillMissing), fillerSeed);
        var netWeights = source.Resolve(setup.Graph, Warnings(stderr), budget);
        using var executor = new Executor(setup.Graph, netWeights, mode);
        if (image is { IsStream: true })
            return image.Stream(setup, executor, labels, result.GetValue(json), budget, stdout);
        image?.SaveInput();

        var dump = dumpDir is null ? null : new LayerDump();
        var clock = Stopwatch.StartNew();
        var outputs = executor.Forward(netInputs, dump is null ? null : dump.Observe);
        var elapsed = clock.Elapsed;

        // Every file is staged before any is moved in, and the report printed only then, so a
        // failure leaves both folders as they were and standard output empty.
        using var outputFolder = outputDir is null ? null : OutputFolder.Begin(outputDir);
        using var dumpFolder = dumpDir is null ? null : OutputFolder.Begin(dumpDir);
        if (outputFolder is not null)
        {
            var names = new NpyFileNames();
            foreach (var (name, value) in outputs)
            {
                var bytes = NpyFile.Serialize(value);
                outputFolder.Write(names.For(name), stream => stream.Write(bytes));
            }
        }
        if (dumpFolder is not null)
            dump!.WriteTo(dumpFolder);
        outputFolder?.Commit();
        dumpFolder?.Commit();

        var summaries = outputs.Select(o => OutputSummary.Of(o.Key, o.Value, setup.Graph.Outputs.First(v => v.Name == o.Key).Producer?.Type)).ToList();
        var report = new RunReport(modelFile, threadCount, source.Note(setup.Graph, netWeights, calibrated: false),
            summaries, elapsed, executor.Memory.ArenaFloats * 4L);
        labels?.Named(outputs);
        // With --json, standard output holds the one JSON object and nothing else; --labels names its top-5 classes.
        if (result.GetValue(json))
        {
            if (labels is not null)
                report = report with { Outputs = [.. summaries.Select(s => labels.Label(s, outputs[s.Name]))] };
            report.WriteJson(stdout);
            return App.Ok;
        }
        report.WriteText(stdout);
        labels?.Write(stdout, outputs, samples: 4);
        if (outputDir is not null)
            stdout.WriteLine($"wrote {outputs.Count} output(s) to {outputDir}");
        if (dumpDir is not null)
            stdout.WriteLine($"wrote every layer's output and index.json to {dumpDir}");
        return App.Ok;
    }

    /// <summary>
    /// What the run allocates from here on: seeded inputs, weights, the executor, the copies of the
    /// outputs (and of every layer's, for a dump), and the largest one again as it is written.
    /// </summary>
    static MemoryEstimate Needs(NetSetup setup, ExecutorOptions mode, bool dumpAll)
    {
        var graph = setup.Graph;
        // First: it refuses a layer type the runtime lacks, whose outputs have no size to add up.
        var executor = Executor.EstimateMemory(graph, mode);
        var copied = dumpAll ? graph.Nodes.SelectMany(n => n.Outputs) : graph.Outputs;
        long largest = copied.Select(v => MemoryEstimate.TensorBytes([v.Shape])).DefaultIfEmpty().Max();
        return MemoryEstimate.ForWeights(graph) + executor + new MemoryEstimate
        {
            Inputs = setup.SeededBytes,
            Outputs = MemoryEstimate.TensorBytes(copied.Select(v => v.Shape)) + largest,
        };
    }

    /// <summary>Refuses a path that is a file before any work is done; a missing folder is made at the end.</summary>
    static string? CheckFolder(string? path, string option)
    {
        if (path is not null && File.Exists(path))
            throw new CaffeNetException($"{option} {path}: is a file, not a folder");
        return path;
    }
}
