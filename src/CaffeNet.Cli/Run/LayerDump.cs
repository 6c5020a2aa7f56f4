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
public sealed class LayerDump
{
    sealed record Entry(Node Node, int Top, string File, Tensor Value);

    readonly List<Entry> _entries = [];
    readonly HashSet<string> _files = new(StringComparer.Ordinal);

    public void Observe(Node node, IReadOnlyList<Tensor> outputs)
    {
        for (int i = 0; i < outputs.Count; i++)
        {
            var stem = SafeName(node.Name) + (outputs.Count > 1 ? $".{i}" : "");
            // Two names may map to the same safe name ("a/b", "a_b"); later ones get a suffix.
            var file = stem + ".npy";
            for (int n = 2; !_files.Add(file); n++)
                file = $"{stem}~{n}.npy";
            _entries.Add(new Entry(node, i, file, Tensor.From(outputs[i].Shape, outputs[i].Span)));
        }
    }

    /// <summary>Characters outside [A-Za-z0-9._-] become '_'.</summary>
    public static string SafeName(string name)
    {
        var chars = name.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
                chars[i] = '_';
        }
        return new string(chars);
    }

    public void WriteTo(string folder)
    {
        foreach (var e in _entries)
            NpyFile.Write(Path.Combine(folder, e.File), e.Value);
        AtomicFile.Write(Path.Combine(folder, "index.json"), stream => stream.Write(IndexJson()));
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
