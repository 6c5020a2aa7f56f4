using System.Globalization;
using System.Text;
using CaffeNet.Cli.Dump;
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet dump`: a model's layers with their shapes, parameters and MACs.</summary>
public sealed class DumpCommand : ICommand
{
    public string Name => "dump";

    public CommandSpec Spec { get; } = new(
        Summary: "show a model's layers, output shapes, parameters and MACs",
        Usage: """
            usage: caffenet dump MODEL.prototxt [options]

            Lowers the net to CaffeNet's graph, infers every blob's shape with Caffe's rules and
            prints one row per layer with its cost, then totals.

              --weights FILE          a .caffemodel: check that every learnable blob is there with
                                      the right shape; layers without weights are marked *
              --phase test|train      which layers to keep (default: the net's state, else test)
              --stage NAME            add a stage to the net state (repeatable)
              --input NAME=N,C,H,W    set an input's shape (repeatable); without it, sizes a data
                                      layer takes from its database show as ? and the totals
                                      are lower bounds
              --format text|json|dot  text table (default), JSON, or Graphviz source
              -o FILE                 write to FILE instead of standard output
            """,
        MinPositional: 1,
        MaxPositional: 1,
        ValueOptions: ["--weights", "--phase", "--stage", "--input", "--format", "-o"],
        FlagOptions: []);

    public int Run(Options options, TextWriter stdout, TextWriter stderr)
    {
        var format = options.Get("--format") ?? "text";
        if (format is not ("text" or "json" or "dot"))
            throw new CaffeNetException($"--format must be text, json or dot, not '{format}'");
        var graphOptions = new GraphOptions
        {
            Phase = ParsePhase(options.Get("--phase")),
            Stages = options.GetAll("--stage"),
            InputShapes = InputShapeOption.Parse(options.GetAll("--input")),
            // Sizes that live in a data layer's database show as '?' rather than stopping the dump.
            AllowUnknownDims = true,
        };

        // Lenient: forks add fields BVLC Caffe lacks; each skipped one is reported as a warning.
        var import = new ImportOptions(Lenient: true, Warning: w => stderr.WriteLine($"caffenet dump: warning: {w}"));
        var weights = options.Get("--weights");
        var net = ModelLoader.Load(options.Positional[0], weights, import);
        var graph = GraphBuilder.Build(net, graphOptions);
        var phase = graphOptions.Phase ?? net.State?.Phase ?? Phase.Test;

        // The whole dump is made before anything is written, so an error leaves no partial output.
        var bytes = Render(graph, new DumpInfo(phase, weights is not null), format);
        var output = options.Get("-o");
        if (output is null)
        {
            stdout.Write(Encoding.UTF8.GetString(bytes));
            stdout.Flush();
        }
        else
        {
            AtomicFile.Write(output, stream => stream.Write(bytes));
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

    static Phase? ParsePhase(string? value) => value?.ToLowerInvariant() switch
    {
        null => null,
        "test" => Phase.Test,
        "train" => Phase.Train,
        _ => throw new CaffeNetException($"--phase must be test or train, not '{value}'"),
    };
}
