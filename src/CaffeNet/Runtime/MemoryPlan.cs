using CaffeNet.Graph;
using CaffeNet.Graph.Passes;

namespace CaffeNet.Runtime;

/// <summary>
/// Where every value of a graph lives in one arena of floats. A blob's storage is live from its
/// first write (the start, for net inputs) to its last read (the end, for net outputs); in-place
/// versions of a blob share its storage. Blobs whose lifetimes overlap never share floats; the
/// others are packed greedily, largest first, into the lowest free offset.
/// </summary>
internal sealed class MemoryPlan
{
    readonly Dictionary<string, long> _offsets;
    readonly Dictionary<string, string> _storage;
    readonly HashSet<string> _slicedConcats;

    MemoryPlan(Dictionary<string, long> offsets, Dictionary<string, string> storage, HashSet<string> slicedConcats, long arenaFloats, long peakLiveFloats)
    {
        _offsets = offsets;
        _storage = storage;
        _slicedConcats = slicedConcats;
        ArenaFloats = arenaFloats;
        PeakLiveFloats = peakLiveFloats;
    }

    /// <summary>
    /// Every offset is a multiple of this many floats (64 bytes): on an arena whose first float is
    /// on a cache line, every blob starts on one, so a kernel's aligned vectors never straddle two.
    /// </summary>
    public const int Alignment = 16;

    /// <summary>Floats the arena needs: the planned peak, plus the gaps alignment leaves.</summary>
    public long ArenaFloats { get; }

    public long ArenaBytes => ArenaFloats * sizeof(float);

    /// <summary>The most floats live at any one step: the least any plan could use.</summary>
    public long PeakLiveFloats { get; }

    public long PeakLiveBytes => PeakLiveFloats * sizeof(float);

    /// <summary>
    /// True when the arena, with room to align its start, fits one .NET array: what an executor
    /// needs, and what <see cref="OffsetOf"/> then requires.
    /// </summary>
    public bool FitsOneArray => ArenaFloats + Alignment <= Array.MaxLength;

    /// <summary>The arena offset of a value's storage (shared by all versions of its blob); the plan must <see cref="FitsOneArray"/>.</summary>
    public int OffsetOf(Value value) => checked((int)_offsets[StorageName(value)]);

    /// <summary>The blob whose storage a value lives in: its own name, or a skipped identity's bottom's.</summary>
    public string StorageName(Value value) => _storage.GetValueOrDefault(value.Name, value.Name);

    /// <summary>
    /// True when the concat <paramref name="node"/>'s inputs live in their slices of its output
    /// (<see cref="ConcatSlices"/>): it has nothing left to copy.
    /// </summary>
    public bool IsSliced(Node node) => node.Type == "Concat" && node.Outputs.Count == 1 && _slicedConcats.Contains(node.Outputs[0].Name);

    /// <summary>
    /// The plan for running <paramref name="graph"/> under <paramref name="fusions"/> (default: as
    /// written): a fused node's result is live from its anchor's step, and the tops of a skipped
    /// identity layer share their bottom's storage. Under <paramref name="layout"/>, a blocked value
    /// takes its channels rounded up to whole blocks. With fusions, a batch-1 concat's inputs are
    /// placed in their slices of its output (<see cref="ConcatSlices"/>).
    /// </summary>
    public static MemoryPlan For(NetGraph graph, FusionPlan? fusions = null, ChannelLayout? layout = null)
    {
        fusions ??= FusionPlan.None;
        layout ??= ChannelLayout.None;
        var storage = graph.Values.Where(v => fusions.StorageOf(v) != v)
            .ToDictionary(v => v.Name, v => fusions.StorageOf(v).Name, StringComparer.Ordinal);
        var slices = ReferenceEquals(fusions, FusionPlan.None) ? [] : ConcatSlices.Find(graph, fusions, layout);
        var blobs = Lifetimes(graph, fusions, layout, storage, slices);
        var placed = new List<(Blob Blob, long Offset)>();
        var index = new OverlapIndex<(Blob Blob, long Offset)>(-1, graph.Nodes.Count);
        var overlapping = new List<(Blob Blob, long Offset)>();
        foreach (var blob in blobs.OrderByDescending(b => b.Floats).ThenBy(b => b.First).ThenBy(b => b.Name, StringComparer.Ordinal))
        {
            overlapping.Clear();
            index.Overlapping(blob.First, blob.Last, overlapping);
            // Blobs placed at the same offset may come in any order: the result is the same.
            overlapping.Sort((x, y) => x.Offset.CompareTo(y.Offset));
            long offset = 0;
            foreach (var (other, at) in overlapping)
            {
                if (at >= offset + blob.Floats)
                    break;
                offset = Math.Max(offset, at + RoundUp(other.Floats));
            }
            placed.Add((blob, offset));
            index.Add(blob.First, blob.Last, (blob, offset));
        }
        long arena = placed.Count == 0 ? 0 : placed.Max(p => p.Offset + p.Blob.Floats);
        long peak = LiveBytes.Peak(blobs.Select(b => (b.First, b.Last, b.Floats)), -1, graph.Nodes.Count);
        var offsets = placed.ToDictionary(p => p.Blob.Name, p => p.Offset, StringComparer.Ordinal);
        foreach (var (slice, (container, at)) in slices)
            offsets[slice] = offsets[container] + at;
        return new MemoryPlan(offsets, storage, [.. slices.Values.Select(s => s.Container)], arena, peak);
    }

    static long RoundUp(long floats) => (floats + Alignment - 1) / Alignment * Alignment;

    /// <summary>One storage per blob name, live over steps [First, Last] (−1 is before the first node).</summary>
    sealed record Blob(string Name, long Floats, int First, int Last);

    static List<Blob> Lifetimes(NetGraph graph, FusionPlan fusions, ChannelLayout layout, Dictionary<string, string> storage,
        Dictionary<string, (string Container, long Offset)> slices)
    {
        var outputs = graph.Outputs.ToHashSet();
        var spans = new Dictionary<string, Blob>(StringComparer.Ordinal);
        foreach (var v in graph.Values)
        {
            if (!v.Shape.IsKnown)
                continue;
            int first = fusions.WrittenAt(v);
            int last = outputs.Contains(v) ? graph.Nodes.Count
                : v.Consumers.Count > 0 ? v.Consumers[^1].Index
                : first;
            string name = storage.GetValueOrDefault(v.Name, v.Name);
            long floats = layout.Floats(v);
            // A slice lives as long as any part of its concat's output: from its own write to the last read of either.
            if (slices.TryGetValue(name, out var slice))
                (name, floats) = (slice.Container, 0);
            spans[name] = spans.TryGetValue(name, out var b)
                ? b with { Floats = Math.Max(b.Floats, floats), First = Math.Min(b.First, first), Last = Math.Max(b.Last, last) }
                : new Blob(name, floats, first, last);
        }
        return [.. spans.Values];
    }
}
