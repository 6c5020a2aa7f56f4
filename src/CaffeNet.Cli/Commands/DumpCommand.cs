using System.CommandLine;
using System.Text;
using CaffeNet.Cli.Dump;
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet dump`: a model's layers with their shapes, parameters and MACs.</summary>
public sealed class DumpCommand : CliCommand
{
    readonly Argument<string> model = SharedOptions.Model();
    readonly Option<string> weights = SharedOptions.Weights(
        "A .caffemodel: check that every learnable blob is there with the right shape; layers without weights are marked *");
    readonly Option<Proto.Phase?> phase = SharedOptions.Phase();
    readonly Option<string[]> stages = SharedOptions.Stages();
    readonly Option<Dictionary<string, Shape>> inputs = SharedOptions.InputShapes(
        "Set an input's shape (repeatable); without it, sizes a data layer takes from its database show as ? and the totals are lower bounds");
    readonly Option<string> format = SharedOptions.OneOf("--format", "Text table, JSON, or Graphviz source", "text", "json", "dot");
    readonly Option<bool> json = SharedOptions.Json("The same as --format json");
    readonly Option<string> output = SharedOptions.Output("Write to FILE instead of standard output");
    readonly Option<bool> lenient = SharedOptions.Lenient();

    public DumpCommand() : base("dump", "Show a model's layers, output shapes, parameters and MACs, then totals")
    {
        Arguments.Add(model);
        Options.Add(weights);
        Options.Add(phase);
        Options.Add(stages);
        Options.Add(inputs);
        Options.Add(format);
        Options.Add(json);
        Options.Add(output);
        Options.Add(lenient);
        Validators.Add(r =>
        {
            if (r.GetValue(json) && r.GetResult(format) is not null && r.GetValue(format) != "json")
                r.AddError($"--json asks for --format json, not --format {r.GetValue(format)}");
        });
    }

    protected override int Run(ParseResult result, TextWriter stdout, TextWriter stderr)
    {
        var graphOptions = new GraphOptions
        {
            Phase = result.GetValue(phase),
            Stages = result.GetRequiredValue(stages),
            InputShapes = result.GetRequiredValue(inputs),
            // Sizes that live in a data layer's database show as '?' rather than stopping the dump.
            AllowUnknownDims = true,
        };

        var import = new ImportOptions(result.GetValue(lenient), Warnings(stderr));
        var weightsFile = result.GetValue(weights);
        var net = ModelLoader.Load(result.GetRequiredValue(model), weightsFile, import);
        var graph = GraphBuilder.Build(net, LayerRegistry.Default, graphOptions);
        var netPhase = graphOptions.Phase ?? net.State?.Phase ?? Proto.Phase.Test;

        // The whole dump is made before anything is written, so an error leaves no partial output.
        var bytes = Render(graph, new DumpInfo(netPhase, weightsFile is not null), result.GetValue(json) ? "json" : result.GetRequiredValue(format));
        var outputFile = result.GetValue(output);
        if (outputFile is null)
        {
            stdout.Write(Encoding.UTF8.GetString(bytes));
            stdout.Flush();
        }
        else
        {
            AtomicFile.Write(outputFile, stream => stream.Write(bytes));
        }
        return App.Ok;
    }

    static byte[] Render(NetGraph graph, DumpInfo info, string format)
    {
        using var buffer = new MemoryStream();
        if (format == "json")
        {
            JsonDump.Write(graph, buffer);
        }
        else
        {
            using var writer = new StreamWriter(buffer, new UTF8Encoding(false), leaveOpen: true) { NewLine = "\n" };
            if (format == "dot") DotDump.Write(graph, writer);
            else TextDump.Write(graph, info, writer);
        }
        return buffer.ToArray();
    }
}
