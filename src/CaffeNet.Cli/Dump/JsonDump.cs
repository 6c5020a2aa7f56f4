using System.Text.Json;
using CaffeNet.Graph;

namespace CaffeNet.Cli.Dump;

/// <summary>
/// The graph as JSON: {"name", "inputs":[{"name","shape"}], "outputs":[{"name","shape"}],
/// "layers":[{"name","type","bottoms","tops","shapes","params","macs"}],
/// "totals":{"params","macs","activation_bytes"}}. Names are as in the prototxt; a shape CaffeNet
/// cannot infer (an unsupported layer's top) is null. A dimension the prototxt leaves to the data
/// source is null inside its shape ([64, null, 28, 28]), and so are a layer's params and macs when
/// they depend on it; then the totals, which sum the known figures, are lower bounds and
/// "totals" also holds "lower_bound": true.
/// </summary>
public static class JsonDump
{
    public static void Write(NetGraph graph, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("name", graph.Name);
        WriteValues(w, "inputs", graph.Inputs);
        WriteValues(w, "outputs", graph.Outputs);
        w.WriteStartArray("layers");
        foreach (var node in graph.Nodes)
        {
            w.WriteStartObject();
            w.WriteString("name", node.Name);
            w.WriteString("type", node.Type);
            WriteStrings(w, "bottoms", node.Layer.Bottom);
            WriteStrings(w, "tops", node.Layer.Top);
            w.WriteStartArray("shapes");
            foreach (var output in node.Outputs)
                WriteShape(w, output.Shape);
            w.WriteEndArray();
            WriteNumber(w, "params", node.Cost.Params);
            WriteNumber(w, "macs", node.Cost.Macs);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        var total = graph.TotalCost;
        w.WriteStartObject("totals");
        w.WriteNumber("params", total.Params);
        w.WriteNumber("macs", total.Macs);
        w.WriteNumber("activation_bytes", graph.PeakActivationBytes);
        if (graph.HasUnknownDims) w.WriteBoolean("lower_bound", true);
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');
    }

    static void WriteValues(Utf8JsonWriter w, string name, IEnumerable<Value> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStartObject();
            w.WriteString("name", v.Name);
            w.WritePropertyName("shape");
            WriteShape(w, v.Shape);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    static void WriteStrings(Utf8JsonWriter w, string name, IEnumerable<string> items)
    {
        w.WriteStartArray(name);
        foreach (var s in items) w.WriteStringValue(s);
        w.WriteEndArray();
    }

    static void WriteShape(Utf8JsonWriter w, Shape shape)
    {
        if (!shape.IsKnown)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartArray();
        foreach (var d in shape.OptionalDims)
        {
            if (d is { } n) w.WriteNumberValue(n);
            else w.WriteNullValue();
        }
        w.WriteEndArray();
    }

    static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } n) w.WriteNumber(name, n);
        else w.WriteNull(name);
    }
}
