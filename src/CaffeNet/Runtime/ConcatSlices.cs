using CaffeNet.Graph;
using CaffeNet.Graph.Passes;

namespace CaffeNet.Runtime;

/// <summary>
/// Concats that cost nothing: when nothing comes before the concat axis (batch 1 along channels),
/// each input is one contiguous slice of the output, in NCHW and, for inputs of whole blocks, in
/// the blocked layout alike; so the memory plan places each input's storage at its slice and the
/// layers before write straight into the output. Only where that is safe: every blob involved has
/// one storage of its own (no identity shares it), is written before the concat and never again (a skipped in-place Dropout writes nothing),
/// is no net input or output, and belongs to no other such concat; every slice starts on the
/// plan's alignment.
/// </summary>
internal static class ConcatSlices
{
    /// <summary>The input blobs placed inside a concat's output: their output blob and offset in floats.</summary>
    public static Dictionary<string, (string Container, long Offset)> Find(NetGraph graph, FusionPlan fusions, ChannelLayout layout)
    {
        var slices = new Dictionary<string, (string, long)>(StringComparer.Ordinal);
        var containers = new HashSet<string>(StringComparer.Ordinal);
        var shared = graph.Values.Where(v => fusions.StorageOf(v) != v).SelectMany(v => new[] { v.Name, fusions.StorageOf(v).Name })
            .ToHashSet(StringComparer.Ordinal);
        var ends = graph.Inputs.Concat(graph.Outputs).Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var byName = graph.Values.ToLookup(v => v.Name, StringComparer.Ordinal);
        bool Alone(Value v) => !shared.Contains(v.Name) && !ends.Contains(v.Name) && !slices.ContainsKey(v.Name) && !containers.Contains(v.Name)
            && v.Shape.IsComplete && !Rewritten(v) && byName[v.Name].All(w => w.Shape.IsComplete && layout.Floats(w) == layout.Floats(v));
        // A later version of a blob rewrites it, unless a skipped in-place Dropout made it (SqueezeNet's drop9).
        bool Rewritten(Value v) => byName[v.Name].Any(w => w.Version > v.Version && !(w.Producer is { Type: "Dropout" } p && fusions.Skips(p)));
        foreach (var node in graph.Nodes)
        {
            if (node.Type != "Concat" || fusions.Skips(node) || node.Outputs.Count != 1 || node.Attributes is not AxisAttributes a)
                continue;
            var output = node.Outputs[0];
            if (!Alone(output) || output.Version != 0)
                continue;
            var dims = output.Shape.Dims;
            int axis = a.Axis < 0 ? a.Axis + dims.Count : a.Axis;
            if (axis < 0 || axis >= dims.Count || dims.Take(axis).Any(d => d != 1))
                continue;
            long offset = 0;
            var placed = new List<(string, long)>();
            foreach (var input in node.Inputs)
            {
                if (!Alone(input) || input.Producer is null || placed.Any(p => p.Item1 == input.Name)
                    || layout.IsBlocked(input) != layout.IsBlocked(output) || offset % MemoryPlan.Alignment != 0)
                {
                    placed = null;
                    break;
                }
                placed.Add((input.Name, offset));
                offset += layout.Floats(input);
            }
            if (placed is null || offset != layout.Floats(output))
                continue;
            containers.Add(output.Name);
            foreach (var (name, at) in placed)
                slices[name] = (output.Name, at);
        }
        return slices;
    }
}
