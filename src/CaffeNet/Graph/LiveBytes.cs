namespace CaffeNet.Graph;

/// <summary>
/// The most bytes live at once over the steps [first, last], each span live over its own closed
/// range of steps. One sweep over a difference array: summing every span at every step was
/// quadratic, minutes for a net of 100k layers.
/// </summary>
internal static class LiveBytes
{
    public static long Peak(IEnumerable<(int First, int Last, long Bytes)> spans, int first, int last)
    {
        var delta = new long[last - first + 2];
        foreach (var (from, to, bytes) in spans)
        {
            int a = Math.Max(from, first), b = Math.Min(to, last);
            if (a > b)
                continue;
            delta[a - first] += bytes;
            delta[b - first + 1] -= bytes;
        }
        long live = 0, peak = 0;
        for (int i = 0; i < delta.Length - 1; i++)
        {
            live += delta[i];
            peak = Math.Max(peak, live);
        }
        return peak;
    }
}
