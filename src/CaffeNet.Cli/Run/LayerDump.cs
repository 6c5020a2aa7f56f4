using System.Text;
using System.Text.Json;
using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Cli.Run;

/// <summary>
/// Every layer's outputs as the executor hands them over, copied at once: an in-place layer's
/// buffer is overwritten by the next layer, so each layer keeps its own version of the blob.
/// Written as DIR/&lt;layer&gt;.npy (&lt;layer&gt;.&lt;top&gt;.npy for several tops) plus DIR/index.json.
/// </summary>
internal sealed class LayerDump
{
    sealed record Entry(Node Node, int Top, string File, Tensor Value);

    readonly List<Entry> _entries = [];
    readonly NpyFileNames _names = new();

    public void Observe(Node node, IReadOnlyList<Tensor> outputs)
    {
        for (int i = 0; i < outputs.Count; i++)
        {
            var file = _names.For(node.Name + (outputs.Count > 1 ? $".{i}" : ""));
            _entries.Add(new Entry(node, i, file, Tensor.From(outputs[i].Shape, outputs[i].Span)));
        }
    }

    /// <summary>Stages every file in <paramref name="folder"/>, index.json last; the caller commits.</summary>
    public void WriteTo(OutputFolder folder)
    {
        foreach (var e in _entries)
        {
            var bytes = NpyFile.Serialize(e.Value);
            folder.Write(e.File, stream => stream.Write(bytes));
        }
        folder.Write("index.json", stream => stream.Write(IndexJson()));
    }

    byte[] IndexJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("layers");
            foreach (var e in _entries)
            {
                json.WriteStartObject();
                json.WriteString("layer", e.Node.Name);
                json.WriteString("type", e.Node.Type);
                json.WriteString("top", e.Node.Outputs[e.Top].Name);
                json.WriteString("file", e.File);
                json.WriteStartArray("shape");
                foreach (var d in e.Value.Shape.Dims)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
