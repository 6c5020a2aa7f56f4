namespace CaffeNet.Fuzz;

/// <summary>Model files under the seed folders (testdata/, the shared corpus), smallest first.</summary>
sealed class SeedFiles(IReadOnlyList<string> roots)
{
    /// <summary>Files with one of <paramref name="extensions"/> of at most <paramref name="maxBytes"/>.</summary>
    public IEnumerable<string> Find(int maxBytes, params string[] extensions) =>
        roots.Where(Directory.Exists)
            .SelectMany(root => Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            .Where(path => extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Select(path => new FileInfo(path))
            .Where(info => info.Length <= maxBytes)
            .OrderBy(info => info.Length).ThenBy(info => info.FullName, StringComparer.Ordinal)
            .Select(info => info.FullName);

    /// <summary>A short unique seed name from a file path: its folder and file names.</summary>
    public static string NameOf(string path) =>
        $"{Path.GetFileName(Path.GetDirectoryName(path))}-{Path.GetFileNameWithoutExtension(path)}";
}

static class SeedWriter
{
    /// <summary>AFL refuses inputs over 1 MB; small seeds also fuzz faster.</summary>
    const int MaxSeedBytes = 256 << 10;

    public static void Write(IFuzzTarget target, string outDir, IReadOnlyList<string> roots)
    {
        var seedDir = Path.Combine(outDir, "seeds");
        Directory.CreateDirectory(seedDir);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int count = 0;
        foreach (var (name, data) in target.Seeds(new SeedFiles(roots)))
        {
            if (data.Length > MaxSeedBytes || !seen.Add(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(data))))
                continue;
            File.WriteAllBytes(Path.Combine(seedDir, $"{count++:D3}-{name}"), data);
        }
        // afl-fuzz's dictionary format: one quoted token a line, with \xNN for bytes outside printable ASCII.
        File.WriteAllLines(Path.Combine(outDir, "dict"), target.Dictionary.Distinct().Select(Quote));
        Console.WriteLine($"{target.Name}: {count} seeds in {seedDir}");
    }

    static string Quote(string token) => "\"" + string.Concat(token.Select(c =>
        c is >= ' ' and <= '~' and not ('"' or '\\') ? c.ToString() : $"\\x{(int)c:X2}")) + "\"";
}
