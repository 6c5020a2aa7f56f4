using System.CommandLine;
using System.Text;
using CaffeNet.Import;
using CaffeNet.Import.Text;
using CaffeNet.Runtime;
using Google.Protobuf;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet optimize`: the TEST-phase net with BatchNorm and Scale folded into convolutions.</summary>
public sealed class OptimizeCommand : CliCommand
{
    readonly Argument<string> model = SharedOptions.Model(
        "The net. Its TEST-phase layers are written in the current layer {} form; each BatchNorm (stored statistics) and Scale " +
        "that rewrites a Convolution's or InnerProduct's output in place, with no other reader, is folded into it, and Dropouts " +
        "are removed; everything else, names included, is kept");
    readonly Option<string> weights = SharedOptions.Weights(
        "The trained caffemodel (required): folding needs its BatchNorm statistics, and every learnable layer must have blobs in it");
    readonly Option<string> outNet = SharedOptions.Output("The prototxt to write (required; this file and --out-weights are written both or neither)");
    readonly Option<string> outWeights = new("--out-weights") { Description = "The caffemodel to write (required)", HelpName = "FILE" };
    readonly Option<bool> lenient = SharedOptions.Lenient();

    public OptimizeCommand() : base("optimize",
        "Fold BatchNorm and Scale into convolutions; write the net and weights")
    {
        Arguments.Add(model);
        Options.Add(weights);
        Options.Add(outNet);
        Options.Add(outWeights);
        Options.Add(lenient);
        SharedOptions.Require(this, weights, "--weights W.caffemodel is required: folding BatchNorm needs its trained statistics");
        SharedOptions.Require(this, outNet, "-o OUT.prototxt is required");
        SharedOptions.Require(this, outWeights, "--out-weights OUT.caffemodel is required");
    }

    protected override int Run(ParseResult result, TextWriter stdout, TextWriter stderr)
    {
        var modelFile = result.GetRequiredValue(model);
        var weightsFile = result.GetRequiredValue(weights);
        var output = result.GetRequiredValue(outNet);
        var outputWeights = result.GetRequiredValue(outWeights);
        // Written over an input (or each other), a file the user gave would be lost.
        var paths = new[] { modelFile, weightsFile, output, outputWeights }.Select(Path.GetFullPath).ToArray();
        if (paths.Distinct().Count() < paths.Length)
            throw new CaffeNetException("MODEL, --weights, -o and --out-weights must be four different files");

        var net = ModelLoader.Load(modelFile, weightsFile, new ImportOptions(result.GetValue(lenient), Warnings(stderr)));
        var folded = NetFolder.Fold(net);

        var text = new UTF8Encoding(false).GetBytes(TextFormat.Print(folded.Definition));
        var binary = folded.Weights.ToByteArray();
        AtomicFile.WriteAll((output, s => s.Write(text)), (outputWeights, s => s.Write(binary)));

        int batchNorms = folded.Folds.Count(f => f.BatchNorm is not null), scales = folded.Folds.Count(f => f.Scale is not null);
        stdout.WriteLine($"layers: {folded.LayersBefore} -> {folded.Definition.Layer.Count} (TEST phase)");
        stdout.WriteLine($"folded {batchNorms} BatchNorm and {scales} Scale into {folded.Folds.Count} layer(s); " +
            $"removed {folded.RemovedDropouts.Count} Dropout");
        stdout.WriteLine($"wrote {output} ({text.Length} bytes) and {outputWeights} ({binary.Length} bytes)");
        return App.Ok;
    }
}
