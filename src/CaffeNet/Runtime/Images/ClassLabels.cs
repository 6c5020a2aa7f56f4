using CaffeNet.Import;

namespace CaffeNet.Runtime.Images;

/// <summary>
/// Class names, one per line in class order, as Caffe's synset_words.txt gives them
/// ("n01440764 tench, Tinca tinca"): the WordNet id, when a line starts with one, is kept apart
/// from the name. Lines quoted as 'text' (with '' for a quote inside) are unquoted.
/// </summary>
public sealed class ClassLabels
{
    readonly string[] _names;
    readonly string?[] _ids;

    ClassLabels(string[] names, string?[] ids)
    {
        _names = names;
        _ids = ids;
    }

    /// <summary>The number of classes: one per non-empty line of the file.</summary>
    public int Count => _names.Length;

    /// <summary>The name of class <paramref name="index"/> ("tench, Tinca tinca").</summary>
    public string this[int index] => _names[index];

    /// <summary>The WordNet id of class <paramref name="index"/> ("n01440764"), or null when the line has none.</summary>
    public string? IdOf(int index) => _ids[index];

    /// <summary>Reads a labels file, one class per line ("n01440764 tench, Tinca tinca" or just the name); at most 64 MiB.</summary>
    public static ClassLabels Load(string path)
    {
        var bytes = InputFile.ReadAllBytes(path, (64 << 20, length => $"{path}: labels file of {length} bytes; at most 64 MiB is read"));
        return Parse(System.Text.Encoding.UTF8.GetString(bytes).TrimStart((char)0xFEFF).Split('\n'), path);
    }

    /// <summary>Reads the lines of a labels file; <paramref name="name"/> is the file named in errors. Blank lines at the end are dropped.</summary>
    public static ClassLabels Parse(IEnumerable<string> lines, string name)
    {
        var list = lines.Select(l => l.Trim()).ToList();
        while (list.Count > 0 && list[^1].Length == 0)
            list.RemoveAt(list.Count - 1);
        if (list.Count == 0)
            throw new CaffeNetException($"{name}: no class names in it");
        var names = new string[list.Count];
        var ids = new string?[list.Count];
        for (int i = 0; i < list.Count; i++)
        {
            var line = list[i];
            if (line.Length >= 2 && line[0] == '\'' && line[^1] == '\'')
                line = line[1..^1].Replace("''", "'");
            if (IsWordNetId(line))
            {
                int space = line.IndexOf(' ');
                (ids[i], line) = (line[..space], line[(space + 1)..].Trim());
            }
            names[i] = line;
        }
        return new ClassLabels(names, ids);
    }

    /// <summary>"n" and 8 digits, then a space: ImageNet's synset ids.</summary>
    static bool IsWordNetId(string line) =>
        line.Length > 10 && line[0] == 'n' && line[9] == ' ' && line.AsSpan(1, 8).ContainsAnyExcept("0123456789") is false;

    /// <summary>The <paramref name="k"/> highest scores with their class numbers, highest first (ties: lower class first).</summary>
    public static (int Class, float Score)[] Top(ReadOnlySpan<float> scores, int k)
    {
        var order = new int[scores.Length];
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        var values = scores.ToArray();
        Array.Sort(order, (a, b) => values[b].CompareTo(values[a]) is var c && c != 0 ? c : a.CompareTo(b));
        return [.. order.Take(k).Select(i => (i, values[i]))];
    }
}
