using System.CommandLine;
using CaffeNet.Cli.Run;
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet init`: a caffemodel of filler-initialised (optionally calibrated) weights.</summary>
public sealed class InitCommand : CliCommand
{
    readonly Argument<string> model = SharedOptions.Model();
    readonly Option<string> output = SharedOptions.Output("The caffemodel to write (required; replaced only on success)");
    readonly Option<ulong> seed = SharedOptions.Seed("Seed for the fillers");
    readonly Option<Proto.Phase?> phase = SharedOptions.Phase();
    readonly Option<string[]> stages = SharedOptions.Stages();
    readonly Option<bool> calibrate = new("--calibrate")
    {
        Description = "Set every BatchNorm's mean and variance (scale factor 1) to what it sees on one input, so activations stay moderate",
    };
    readonly Option<string[]> inputs = SharedOptions.InputFiles(
        "The .npy input for --calibrate (repeatable; FILE - reads standard input); inputs not given get seeded uniform [-1, 1) values from --seed");
    readonly Option<string> filler = new("--filler")
    {
        Description = "Weight filler for convolutions and inner products whose prototxt gives none (Caffe's default there is constant 0); " +
            "gaussian has std 0.01",
        HelpName = "msra|xavier|gaussian",
    };
    readonly Option<MemoryBudget> maxMemory = SharedOptions.MaxMemory();
    readonly Option<bool> lenient = SharedOptions.Lenient();

    public InitCommand() : base("init",
        "Write filler-initialised weights for a net as a caffemodel, as Caffe fills a new net")
    {
        Arguments.Add(model);
        Options.Add(output);
        Options.Add(seed);
        Options.Add(phase);
        Options.Add(stages);
        Options.Add(calibrate);
        Options.Add(filler);
        filler.AcceptOnlyFromAmong([.. MissingWeights.DefaultFillerTypes]);
        Options.Add(inputs);
        Options.Add(maxMemory);
        Options.Add(lenient);
        SharedOptions.Require(this, output, "-o WEIGHTS.caffemodel is required");
        Validators.Add(r =>
        {
            if (!r.GetValue(calibrate) && r.GetResult(inputs) is not null)
                r.AddError("--input is used only with --calibrate");
        });
    }

    protected override int Run(ParseResult result, TextWriter stdout, TextWriter stderr)
    {
        var outputFile = result.GetRequiredValue(output);
        ulong fillerSeed = result.GetValue(seed);
        bool calibrated = result.GetValue(calibrate);
        var budget = result.GetRequiredValue(maxMemory);
        var setup = NetSetup.Load(result.GetRequiredValue(model), null, new GraphOptions { Phase = result.GetValue(phase), Stages = result.GetRequiredValue(stages) },
            result.GetRequiredValue(inputs), fillerSeed, new ImportOptions(result.GetValue(lenient), Warnings(stderr)), budget);
        budget.Check(Needs(setup, calibrated), $"net {Excerpt.Name(setup.Graph.Name)}");

        var netWeights = NetWeights.Resolve(setup.Graph, MissingWeights.Fill(fillerSeed, result.GetValue(filler)), budget);
        if (calibrated)
        {
            using var executor = new Executor(setup.Graph, netWeights, ExecutorOptions.Reference with { Budget = budget });
            BatchNormCalibration.Calibrate(executor, setup.Inputs(budget));
        }
        BinaryFormat.Write(netWeights.ToNetParameter(setup.Graph), outputFile);
        int blobs = setup.Graph.Nodes.Sum(n => n.ParamShapes.Count);
        stdout.WriteLine($"wrote {outputFile}: {blobs} blob(s) in {setup.Graph.Nodes.Count(n => n.ParamShapes.Count > 0)} layer(s), " +
            $"seed {fillerSeed}{(calibrated ? ", BatchNorm calibrated" : "")}");
        return App.Ok;
    }

    /// <summary>
    /// The weights, their copy in the message written (and the largest blob once more on its way
    /// there), and for calibration a reference executor, seeded inputs and the outputs it hands back.
    /// </summary>
    static MemoryEstimate Needs(NetSetup setup, bool calibrated)
    {
        var graph = setup.Graph;
        var weights = MemoryEstimate.ForWeights(graph);
        long largestBlob = MemoryEstimate.TensorBytes(graph.Nodes.SelectMany(n => n.ParamShapes).MaxBy(s => s.Count) is { } s ? [s] : []);
        var needs = weights + new MemoryEstimate { Outputs = weights.Weights + largestBlob };
        if (!calibrated)
            return needs;
        return needs + Executor.EstimateMemory(graph, ExecutorOptions.Reference) + new MemoryEstimate
        {
            Inputs = setup.SeededBytes,
            Outputs = MemoryEstimate.TensorBytes(graph.Outputs.Select(v => v.Shape)),
        };
    }
}
