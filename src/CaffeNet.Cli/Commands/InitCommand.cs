using System.CommandLine;
using CaffeNet.Cli.Run;
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
    readonly Option<bool> calibrate = new("--calibrate")
    {
        Description = "Set every BatchNorm's mean and variance (scale factor 1) to what it sees on one input, so activations stay moderate",
    };
    readonly Option<string[]> inputs = SharedOptions.InputFiles(
        "The .npy input for --calibrate (repeatable); inputs not given get seeded uniform [-1, 1) values from --seed");
    readonly Option<bool> lenient = SharedOptions.Lenient();

    public InitCommand() : base("init",
        "Write filler-initialised weights for a net as a caffemodel, as Caffe fills a new net")
    {
        Arguments.Add(model);
        Options.Add(output);
        Options.Add(seed);
        Options.Add(phase);
        Options.Add(calibrate);
        Options.Add(inputs);
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
        var setup = NetSetup.Load(result.GetRequiredValue(model), null, result.GetValue(phase),
            result.GetRequiredValue(inputs), fillerSeed, new ImportOptions(result.GetValue(lenient), Warnings(stderr)));

        var executor = new Executor(setup.Graph, NetWeights.Resolve(setup.Graph, MissingWeights.Fill(fillerSeed)));
        if (calibrated)
            BatchNormCalibration.Calibrate(executor, setup.Inputs);
        BinaryFormat.Write(executor.Weights.ToNetParameter(setup.Graph), outputFile);
        int blobs = setup.Graph.Nodes.Sum(n => n.ParamShapes.Count);
        stdout.WriteLine($"wrote {outputFile}: {blobs} blob(s) in {setup.Graph.Nodes.Count(n => n.ParamShapes.Count > 0)} layer(s), " +
            $"seed {fillerSeed}{(calibrated ? ", BatchNorm calibrated" : "")}");
        return App.Ok;
    }
}
