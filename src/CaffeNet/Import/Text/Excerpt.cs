namespace CaffeNet.Import.Text;

/// <summary>
/// Token and name text as messages quote it: whole when short, else its head and its length, so
/// a 100 MB token in a file makes a one-line message, not a 100 MB one.
/// </summary>
static class Excerpt
{
    /// <summary>The most characters of any one text a message quotes.</summary>
    public const int MaxChars = 80;

    const int HeadChars = MaxChars - 3;

    /// <summary>`"text"`, or for long text `"head..." (N characters)`.</summary>
    public static string Quote(ReadOnlySpan<char> text, char quote = '"') =>
        text.Length <= MaxChars
            ? $"{quote}{text}{quote}"
            : $"{quote}{Head(text)}...{quote} ({text.Length} characters)";

    /// <summary>The text as it stands when short, else `head... (N characters)`; for text that
    /// carries its own quotes, such as a string token.</summary>
    public static string Plain(ReadOnlySpan<char> text) =>
        text.Length <= MaxChars ? text.ToString() : $"{Head(text)}... ({text.Length} characters)";

    // Never ends on half a surrogate pair.
    static ReadOnlySpan<char> Head(ReadOnlySpan<char> text) =>
        char.IsHighSurrogate(text[HeadChars - 1]) ? text[..(HeadChars - 1)] : text[..HeadChars];
}
