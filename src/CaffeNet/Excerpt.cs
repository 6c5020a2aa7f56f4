using System.Text;

namespace CaffeNet;

/// <summary>
/// Names and tokens as messages quote them: whole when short, else their head and their length,
/// so that a 100 MB layer name, type or number in a file makes a one-line message, not a 100 MB
/// one. Every error, warning and note that shows a name from a model goes through here.
/// </summary>
internal static class Excerpt
{
    /// <summary>The most characters of any one text a message quotes.</summary>
    public const int MaxChars = 80;

    /// <summary>The most items <see cref="List"/> shows by default.</summary>
    public const int ListItems = 5;

    const int HeadChars = MaxChars - 3;

    /// <summary>A name in single quotes: `'conv1'`, or for a long one `'head...' (N characters)`.</summary>
    public static string Name(string? name) => Quote(name ?? "", '\'');

    /// <summary>`layer 'name' (type T)`, as errors about a layer begin; both parts bounded.</summary>
    public static string Layer(string? name, string? type) => $"layer {Name(name)} (type {Plain(type ?? "")})";

    /// <summary>
    /// `a, b, c` for up to <paramref name="max"/> items, else the first <paramref name="max"/> and
    /// `and N more`. Items are shown as given: pass names through <see cref="Name"/> or <see cref="Plain"/>.
    /// </summary>
    public static string List(IEnumerable<string> items, int max = ListItems)
    {
        var text = new StringBuilder();
        int count = 0;
        foreach (var item in items)
        {
            if (count < max)
                text.Append(count == 0 ? "" : ", ").Append(item);
            count++;
        }
        return count > max ? text.Append($" and {count - max} more").ToString() : text.ToString();
    }

    /// <summary>The most characters of a file path a message shows whole; real paths fit.</summary>
    public const int MaxPathChars = 400;

    /// <summary>
    /// A file path as it stands up to <see cref="MaxPathChars"/> characters, else its start and its
    /// end (the file name) around `...`, and its length: a path built from a model's blob name can
    /// be as long as the name.
    /// </summary>
    public static string Path(string path) =>
        path.Length <= MaxPathChars
            ? path
            : $"{Cut(path.AsSpan(0, MaxPathChars / 2))}...{path.AsSpan(path.Length - MaxPathChars / 4)} ({path.Length} characters)";

    /// <summary>`"text"`, or for long text `"head..." (N characters)`.</summary>
    public static string Quote(ReadOnlySpan<char> text, char quote = '"') =>
        text.Length <= MaxChars
            ? $"{quote}{text}{quote}"
            : $"{quote}{Head(text)}...{quote} ({text.Length} characters)";

    /// <summary>The text as it stands when short, else `head... (N characters)`; for text that
    /// carries its own quotes, such as a string token, or a type name.</summary>
    public static string Plain(ReadOnlySpan<char> text) =>
        text.Length <= MaxChars ? text.ToString() : $"{Head(text)}... ({text.Length} characters)";

    // Never ends on half a surrogate pair.
    static ReadOnlySpan<char> Head(ReadOnlySpan<char> text) => Cut(text[..HeadChars]);

    static ReadOnlySpan<char> Cut(ReadOnlySpan<char> head) =>
        char.IsHighSurrogate(head[^1]) ? head[..^1] : head;
}
