using System.CommandLine;
using CaffeNet.Export.Onnx;
using CaffeNet.Graph;
using CaffeNet.Cli.Run;
using CaffeNet.Import;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet export`: the TEST-phase net with its weights as an ONNX model.</summary>
public sealed class ExportCommand : CliCommand
{
    readonly Argument<string> model = SharedOptions.Model();
    readonly Option<string> weights = SharedOptions.Weights("A .caffemodel with the trained weights");
    readonly Option<bool> fillMissing = SharedOptions.FillMissing("--seed");
    readonly Option<string> output = SharedOptions.Output("The .onnx file to write (required; written whole or not at all)");
    readonly Option<int> opset = SharedOptions.WholeNumber("--opset",
        $"The ONNX operator set version to target ({OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset})",
        OnnxExportOptions.MinOpset, OnnxExportOptions.MaxOpset, OnnxExportOptions.DefaultOpset);
    readonly Option<Dictionary<string, Shape>> inputs = SharedOptions.InputShapes(
        "Set an input's shape (repeatable), say another batch size; the model's shapes are fixed");
    readonly Option<ulong> seed = SharedOptions.Seed("Seed for the filler weights of layers the model gives none");
    readonly Option<MemoryBudget> maxMemory = SharedOptions.MaxMemory();
    readonly Option<bool> lenient = SharedOptions.Lenient();

    public ExportCommand() : base("export", "Write a model with its weights as ONNX")
    {
        Arguments.Add(model);
        Options.Add(weights);
        Options.Add(output);
        Options.Add(opset);
        Options.Add(inputs);
        Options.Add(seed);
        Options.Add(fillMissing);
        Options.Add(maxMemory);
        Options.Add(lenient);
        SharedOptions.Require(this, output, "-o OUT.onnx is required");
        SharedOptions.OnlyWith(this, fillMissing, weights);
    }

    protected override int Run(ParseResult result, TextWriter stdout, TextWriter stderr)
    {
        var outputFile = result.GetRequiredValue(output);
        var weightsFile = result.GetValue(weights);
        var net = ModelLoader.Load(result.GetRequiredValue(model), weightsFile,
            new ImportOptions(result.GetValue(lenient), Warnings(stderr)));
        var graph = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { InputShapes = result.GetRequiredValue(inputs) });
        var source = new WeightsSource(weightsFile, result.GetValue(fillMissing), result.GetValue(seed));
        var resolved = source.Resolve(graph, Warnings(stderr), result.GetRequiredValue(maxMemory));
        var options = new OnnxExportOptions { Opset = result.GetValue(opset) };
        var bytes = OnnxExporter.Export(graph, resolved, options);
        AtomicFile.Write(outputFile, s => s.Write(bytes));

        if (weightsFile is null && resolved.Filled.Count > 0)
            Warnings(stderr)($"no --weights given: {resolved.Filled.Count} layer(s) were filled from the prototxt's fillers " +
                $"(seed {result.GetValue(seed)}), so the exported weights are random");
        stdout.WriteLine($"wrote {outputFile} ({bytes.Length} bytes): opset {options.Opset}, {graph.Nodes.Count} layers, " +
            $"inputs {Excerpt.List(graph.Inputs.Select(v => $"{Excerpt.Plain(v.Name)} {v.Shape}"))}, " +
            $"outputs {Excerpt.List(graph.Outputs.Select(v => $"{Excerpt.Plain(v.Name)} {v.Shape}"))}");
        return App.Ok;
    }
}
