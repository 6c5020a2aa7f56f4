using System.Text;
using CaffeNet.Import;
using CaffeNet.Import.Text;
using CaffeNet.Runtime;
using Google.Protobuf;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet optimize`: the TEST-phase net with BatchNorm and Scale folded into convolutions.</summary>
public sealed class OptimizeCommand : ICommand
{
    public string Name => "optimize";

    public CommandSpec Spec { get; } = new(
        Summary: "fold BatchNorm and Scale into convolutions; write the net and weights",
        Usage: """
            usage: caffenet optimize MODEL.prototxt --weights W.caffemodel -o OUT.prototxt --out-weights OUT.caffemodel

            Writes the net as deployed, for Caffe, OpenCV or caffenet: only the layers of the TEST
            phase, upgraded to the current `layer` form. Each BatchNorm (using stored statistics)
            and Scale that rewrites a Convolution's or InnerProduct's output in place, with no
            other reader of that blob, is folded into it: the layer is removed and the convolution
            takes the folded weights and a bias. Dropouts are removed, later layers reading their
            input (one that writes a net output out of place stays, so no output is renamed).
            Activations stay layers of their own. Everything else, names included, is kept.

            Folding needs the trained statistics, so --weights is required and must hold blobs for
            every learnable layer (for a net without any, `caffenet init --calibrate` makes some).
            Both files are written whole or not at all.

              --weights FILE        the trained caffemodel (required)
              -o FILE               the prototxt to write (required)
              --out-weights FILE    the caffemodel to write (required)
            """,
        MinPositional: 1,
        MaxPositional: 1,
        ValueOptions: ["--weights", "-o", "--out-weights"],
        FlagOptions: []);

    public int Run(Options options, TextWriter stdout, TextWriter stderr)
    {
        var weightsFile = options.Get("--weights") ?? throw new CaffeNetException(
            "--weights W.caffemodel is required: folding BatchNorm needs its trained statistics");
        var output = options.Get("-o") ?? throw new CaffeNetException("-o OUT.prototxt is required");
        var outputWeights = options.Get("--out-weights") ?? throw new CaffeNetException("--out-weights OUT.caffemodel is required");
        // On a failed second write the first is deleted, so neither may be an input.
        var paths = new[] { options.Positional[0], weightsFile, output, outputWeights }.Select(Path.GetFullPath).ToArray();
        if (paths.Distinct().Count() < paths.Length)
            throw new CaffeNetException("MODEL, --weights, -o and --out-weights must be four different files");

        var net = ModelLoader.Load(options.Positional[0], weightsFile,
            new ImportOptions(Lenient: true, Warning: w => stderr.WriteLine($"caffenet optimize: warning: {w}")));
        var folded = NetFolder.Fold(net);

        var text = new UTF8Encoding(false).GetBytes(TextFormat.Print(folded.Definition));
        var binary = folded.Weights.ToByteArray();
        AtomicFile.Write(output, s => s.Write(text));
        try
        {
            AtomicFile.Write(outputWeights, s => s.Write(binary));
        }
        catch
        {
            File.Delete(output);
            throw;
        }

        int batchNorms = folded.Folds.Count(f => f.BatchNorm is not null), scales = folded.Folds.Count(f => f.Scale is not null);
        stdout.WriteLine($"layers: {folded.LayersBefore} -> {folded.Definition.Layer.Count} (TEST phase)");
        stdout.WriteLine($"folded {batchNorms} BatchNorm and {scales} Scale into {folded.Folds.Count} layer(s); " +
            $"removed {folded.RemovedDropouts.Count} Dropout");
        stdout.WriteLine($"wrote {output} ({text.Length} bytes) and {outputWeights} ({binary.Length} bytes)");
        return App.Ok;
    }
}
