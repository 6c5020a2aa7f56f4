namespace CaffeNet.Import.Text;

/// <summary>Finds the likely intended name for a misspelt one, by edit distance.</summary>
static class NameSuggester
{
    public static string? Nearest(string name, IEnumerable<string> candidates)
    {
        var lower = name.ToLowerInvariant();
        // Short names allow one edit, longer ones about one in four characters: typos, not other words.
        int limit = lower.Length <= 3 ? 1 : Math.Max(2, lower.Length / 4);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            int d = Distance(lower, candidate.ToLowerInvariant());
            if (d < bestDistance)
            {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= limit ? best : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions each cost one.</summary>
    public static int Distance(string a, string b)
    {
        var row = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            row[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
