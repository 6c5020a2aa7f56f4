namespace CaffeNet.Graph;

/// <summary>
/// Peak activation memory of running the nodes in order: a blob's storage lives from its first
/// write (or the start, for inputs) to its last read, net outputs to the end; in-place versions
/// share their blob's storage, as in Caffe. Blobs of unknown size count as empty, so the peak is
/// then a lower bound.
/// </summary>
internal static class ActivationMemory
{
    public static long PeakBytes(IReadOnlyList<Value> values, int nodeCount, IReadOnlyCollection<Value> outputs)
    {
        var isOutput = outputs.ToHashSet();
        var spans = new Dictionary<string, (int First, int Last, long Bytes)>(StringComparer.Ordinal);
        foreach (var v in values)
        {
            int first = v.Producer?.Index ?? 0;
            int last = isOutput.Contains(v) ? nodeCount : v.Consumers.Count > 0 ? v.Consumers[^1].Index : first;
            long bytes = (v.Shape.CountIfKnown ?? 0) * sizeof(float);
            spans[v.Name] = spans.TryGetValue(v.Name, out var s)
                ? (Math.Min(s.First, first), Math.Max(s.Last, last), Math.Max(s.Bytes, bytes))
                : (first, last, bytes);
        }
        return LiveBytes.Peak(spans.Values.Select(s => (s.First, s.Last, s.Bytes)), first: 0, last: Math.Max(nodeCount - 1, 0));
    }
}
