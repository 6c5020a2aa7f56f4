using System.Reflection;
using CaffeNet.Graph;
using CaffeNet.Onnx.Proto;
using CaffeNet.Runtime;
using Google.Protobuf;

namespace CaffeNet.Export.Onnx;

/// <summary>
/// Writes a graph with its weights as an ONNX model: the graph's inputs and outputs with their
/// fixed shapes, each layer as the ONNX operators that compute what Caffe computes, each learnable
/// blob as a constant. A layer ONNX cannot express is an error that names it.
/// </summary>
internal static class OnnxExporter
{
    /// <summary>What one protobuf message, and so one ONNX file without external data, can hold.</summary>
    const long MaxModelBytes = int.MaxValue;

    /// <summary>The layer types that export; input and data layers become graph inputs.</summary>
    public static IEnumerable<string> LayerTypes => LayerExports.Types;

    /// <summary>The model as the bytes of an .onnx file.</summary>
    public static byte[] Export(NetGraph graph, NetWeights weights, OnnxExportOptions? options = null) =>
        Build(graph, weights, options ?? new OnnxExportOptions()).ToByteArray();

    internal static ModelProto Build(NetGraph graph, NetWeights weights, OnnxExportOptions options)
    {
        if (options.Opset is < OnnxExportOptions.MinOpset or > OnnxExportOptions.MaxOpset)
            throw new CaffeNetException(
                $"opset {options.Opset} is not supported (from {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset})");
        Require.Runnable(graph);
        var mappings = graph.Nodes.Select(n => (Node: n, Mapping: MappingFor(n))).ToList();
        long weightBytes = graph.Nodes.Sum(n => weights.For(n).Sum(t => (long)t.Count)) * sizeof(float);
        if (weightBytes > MaxModelBytes)
            throw new CaffeNetException(
                $"net {Excerpt.Name(graph.Name)}: its weights take {weightBytes} bytes, more than the 2 GiB one ONNX file holds without external data, which export does not write");

        var writer = new GraphWriter();
        var names = ValueNames(graph, writer);
        foreach (var input in graph.Inputs)
            writer.Graph.Input.Add(GraphWriter.FloatInfo(names[input], input.Shape.Dims));
        foreach (var (node, mapping) in mappings)
        {
            var export = new NodeExport(node, weights.For(node), [.. node.Inputs.Select(v => names[v])],
                [.. node.Outputs.Select(v => names[v])], writer, options.Opset);
            mapping.Export(export);
        }
        foreach (var output in graph.Outputs)
            writer.Graph.Output.Add(GraphWriter.FloatInfo(names[output], output.Shape.Dims));
        writer.Graph.Name = graph.Name.Length > 0 ? graph.Name : "caffe";

        var model = new ModelProto
        {
            IrVersion = OnnxExportOptions.IrVersion(options.Opset),
            ProducerName = "CaffeNet",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Graph = writer.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = options.Opset });
        return model;
    }

    static ILayerExport MappingFor(Node node) =>
        LayerExports.For(node.Type) ?? throw new CaffeNetException(
            $"{Excerpt.Layer(node.Name, node.Type)}: cannot be exported to ONNX: the type has no ONNX mapping " +
            $"(types that export: {string.Join(", ", LayerExports.Types.Order(StringComparer.Ordinal))})");

    /// <summary>
    /// ONNX needs one name per value. A graph input keeps its blob's name, and so does the last
    /// value of every other blob (what a forward pass leaves in it, as Caffe shows it); earlier
    /// in-place versions are "blob#version".
    /// </summary>
    static Dictionary<Value, string> ValueNames(NetGraph graph, GraphWriter writer)
    {
        var last = graph.Values.GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.MaxBy(v => v.Version)!, StringComparer.Ordinal);
        var inputs = graph.Inputs.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        bool Plain(Value v) => v.Producer is null || last[v.Name] == v && !inputs.Contains(v.Name);
        var names = new Dictionary<Value, string>();
        // Plain names first, so a "blob#version" that happens to be another blob's name cannot take it.
        foreach (var v in graph.Values.Where(Plain))
            names[v] = writer.Fresh(v.Name);
        foreach (var v in graph.Values.Where(v => !Plain(v)))
            names[v] = writer.Fresh($"{v.Name}#{v.Version}");
        return names;
    }
}
