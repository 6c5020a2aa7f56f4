namespace CaffeNet.Import.Text;

/// <summary>Finds the likely intended name for a misspelt one, by edit distance, ignoring case.</summary>
static class NameSuggester
{
    /// <summary>
    /// A name this close to a known one is taken as a typo of it, however short: it is always
    /// suggested, and lenient reading refuses it rather than skipping it as a fork's field.
    /// </summary>
    public const int TypoDistance = 2;

    // Longer candidates would need a heap row; schema names are far shorter.
    const int MaxStackRow = 256;

    /// <summary>
    /// The candidate nearest to <paramref name="name"/> if it is a likely typo: within
    /// <see cref="TypoDistance"/> edits, or about one edit in four characters for longer names.
    /// </summary>
    public static string? Nearest(ReadOnlySpan<char> name, IReadOnlyList<string> candidates, out int distance)
    {
        // Typos, not other words: beyond this the suggestion would be a guess.
        int limit = Math.Max(TypoDistance, name.Length / 4);
        string? best = null;
        distance = int.MaxValue;
        for (int i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            // Stop early once a candidate cannot beat the best so far (or the limit): a name of
            // 100 MB costs nothing, as no candidate is within its length of it.
            int bound = Math.Min(limit, distance - 1);
            int d = Distance(name, candidate, bound);
            if (d <= bound)
            {
                best = candidate;
                distance = d;
            }
        }
        return best;
    }

    /// <summary>
    /// Levenshtein distance ignoring case (insertions, deletions and substitutions each cost one),
    /// or <paramref name="bound"/> + 1 as soon as it is known to exceed <paramref name="bound"/>.
    /// </summary>
    public static int Distance(ReadOnlySpan<char> a, ReadOnlySpan<char> b, int bound)
    {
        if (bound < 0 || Math.Abs(a.Length - b.Length) > bound)
            return bound + 1;
        // The row runs along the shorter name, which after the check above is at most bound
        // shorter than the other.
        if (a.Length < b.Length)
        {
            var longer = b;
            b = a;
            a = longer;
        }
        Span<int> row = b.Length < MaxStackRow ? stackalloc int[b.Length + 1] : new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            int rowMin = i;
            char ai = char.ToLowerInvariant(a[i - 1]);
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                int cost = ai == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                row[j] = Math.Min(Math.Min(above + 1, row[j - 1] + 1), diagonal + cost);
                diagonal = above;
                rowMin = Math.Min(rowMin, row[j]);
            }
            // Every path to the end goes through this row, and costs never decrease along one.
            if (rowMin > bound)
                return bound + 1;
        }
        return Math.Min(row[b.Length], bound + 1);
    }
}
