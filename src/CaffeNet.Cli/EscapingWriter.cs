using System.Globalization;
using System.Text;

namespace CaffeNet.Cli;

/// <summary>
/// Standard error as the CLI writes it. Every error, warning and usage line goes through here, and
/// control characters in it (a newline or an ANSI escape inside a layer or file name) are written
/// as <c>\n</c>, <c>\x1b</c>, ... so that a message stays on its one line and cannot colour the
/// terminal. Only <see cref="WriteLine()"/> ends a line.
/// </summary>
public sealed class EscapingWriter(TextWriter inner) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => CultureInfo.InvariantCulture;

    public override void Write(char value) => inner.Write(char.IsControl(value) ? Escape(value) : value.ToString());

    public override void Write(string? value) => inner.Write(Escape(value ?? ""));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(ReadOnlySpan<char> buffer) => Write(new string(buffer));

    public override void WriteLine() => inner.WriteLine();

    public override void WriteLine(string? value)
    {
        Write(value);
        inner.WriteLine();
    }

    public override void WriteLine(ReadOnlySpan<char> buffer) => WriteLine(new string(buffer));

    public override void Flush() => inner.Flush();

    /// <summary><paramref name="text"/> with \n, \r, \t as such, other C0 controls and DEL as \xNN, C1 controls as \u00NN.</summary>
    public static string Escape(string text)
    {
        if (!text.Any(char.IsControl))
            return text;
        var escaped = new StringBuilder(text.Length + 16);
        foreach (char c in text)
            escaped.Append(char.IsControl(c) ? Escape(c) : c);
        return escaped.ToString();
    }

    static string Escape(char c) => c switch
    {
        '\n' => @"\n",
        '\r' => @"\r",
        '\t' => @"\t",
        < '\u0080' => $@"\x{(int)c:x2}",
        _ => $@"\u{(int)c:x4}",
    };
}
