namespace CaffeNet.Runtime;

/// <summary>
/// Items placed over closed ranges of steps, answering "which overlap [first, last]" in time
/// proportional to the answer (plus a logarithm), where the memory plan scanned every placed blob
/// for every new one: quadratic, minutes for a net of 100k layers. An item overlaps the range when
/// it is live at its first step (a stabbing query on a segment tree, where each item sits on the
/// O(log n) nodes that cover its range exactly, so a step meets it once) or starts within it.
/// </summary>
sealed class OverlapIndex<T>
{
    readonly int _origin;
    readonly int _leaves;
    readonly List<T>?[] _cover;
    readonly List<T>?[] _byStart;
    readonly SortedSet<int> _starts = [];

    /// <summary>An index for ranges within the steps [<paramref name="first"/>, <paramref name="last"/>].</summary>
    public OverlapIndex(int first, int last)
    {
        _origin = first;
        int steps = last - first + 1;
        _leaves = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(steps, 1));
        _cover = new List<T>?[2 * _leaves];
        _byStart = new List<T>?[steps];
    }

    public void Add(int first, int last, T item)
    {
        int a = first - _origin, b = last - _origin;
        (_byStart[a] ??= []).Add(item);
        _starts.Add(a);
        for (int l = a + _leaves, r = b + _leaves + 1; l < r; l >>= 1, r >>= 1)
        {
            if ((l & 1) != 0)
                (_cover[l++] ??= []).Add(item);
            if ((r & 1) != 0)
                (_cover[--r] ??= []).Add(item);
        }
    }

    /// <summary>Adds to <paramref name="into"/> every item whose range shares a step with [first, last], each once.</summary>
    public void Overlapping(int first, int last, List<T> into)
    {
        int a = first - _origin, b = last - _origin;
        for (int node = a + _leaves; node >= 1; node >>= 1)
        {
            if (_cover[node] is { } live)
                into.AddRange(live);
        }
        if (a >= b)
            return;
        foreach (int start in _starts.GetViewBetween(a + 1, b))
            into.AddRange(_byStart[start]!);
    }
}
