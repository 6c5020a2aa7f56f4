using System.Text;

namespace CaffeNet.Import.Text;

/// <summary>
/// Decodes quoted prototxt strings. Escapes produce bytes (`\377` is one byte, not a character),
/// so an escaped literal is decoded to UTF-8 bytes first; a literal without backslashes is
/// copied as it stands.
/// </summary>
sealed class StringLiteral
{
    byte[] buffer = new byte[256];
    int count;

    /// <summary>
    /// True if the token (quotes included) can be used as it stands: no escape sequences, and no
    /// surrogates, which might be unpaired (only a string given to us directly can hold those).
    /// </summary>
    public static bool IsPlain(ReadOnlySpan<char> token) =>
        token.IndexOf('\\') < 0 && token.IndexOfAnyInRange('\uD800', '\uDFFF') < 0;

    /// <summary>The characters between the quotes of an escape-free token.</summary>
    public static ReadOnlySpan<char> Inner(ReadOnlySpan<char> token) => token[1..^1];

    public void Clear() => count = 0;

    public ReadOnlySpan<byte> Bytes => buffer.AsSpan(0, count);

    /// <summary>Appends the bytes a token (quotes included, already checked by the lexer) stands for.</summary>
    public void Append(ReadOnlySpan<char> token)
    {
        var s = Inner(token);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c != '\\')
            {
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    AppendUtf8((uint)char.ConvertToUtf32(c, s[i + 1]));
                    i++;
                }
                else
                {
                    // An unpaired surrogate has no UTF-8 form; U+FFFD is what encoding it gives.
                    AppendUtf8(char.IsSurrogate(c) ? '\uFFFD' : c);
                }
                continue;
            }

            char e = s[++i];
            if (e is >= '0' and <= '7')
            {
                // Up to three octal digits; protoc keeps only the low byte of \777.
                int code = e - '0';
                for (int n = 0; n < 2 && i + 1 < s.Length && s[i + 1] is >= '0' and <= '7'; n++)
                    code = code * 8 + (s[++i] - '0');
                AppendByte((byte)code);
            }
            else if (e == 'x')
            {
                int code = 0;
                for (int n = 0; n < 2 && i + 1 < s.Length && char.IsAsciiHexDigit(s[i + 1]); n++)
                    code = code * 16 + HexValue(s[++i]);
                AppendByte((byte)code);
            }
            else if (e is 'u' or 'U')
            {
                i = AppendUnicodeEscape(s, i);
            }
            else
            {
                AppendByte(e switch
                {
                    'a' => 7,
                    'b' => 8,
                    'f' => 12,
                    'n' => 10,
                    'r' => 13,
                    't' => 9,
                    'v' => 11,
                    _ => (byte)e, // \\ \? \' \"
                });
            }
        }
    }

    // `s[i]` is the 'u' or 'U'; returns the index of the escape's last character. A \u head
    // surrogate directly followed by a \u trail surrogate makes one code point, as in protoc.
    int AppendUnicodeEscape(ReadOnlySpan<char> s, int i)
    {
        int digits = s[i] == 'u' ? 4 : 8;
        uint code = ReadHex(s.Slice(i + 1, digits));
        i += digits;
        if (code is >= 0xD800 and < 0xDC00 && i + 6 < s.Length && s[i + 1] == '\\' && s[i + 2] == 'u'
            && IsHex(s.Slice(i + 3, 4)))
        {
            uint trail = ReadHex(s.Slice(i + 3, 4));
            if (trail is >= 0xDC00 and < 0xE000)
            {
                code = 0x10000 + ((code - 0xD800) << 10 | (trail - 0xDC00));
                i += 6;
            }
        }
        if (code > 0x10FFFF)
        {
            // protoc writes an out-of-range code point back as its escape text.
            foreach (char c in $"\\U{code:x8}")
                AppendByte((byte)c);
        }
        else
        {
            AppendUtf8(code);
        }
        return i;
    }

    // UTF-8 as protoc writes it; lone surrogates become three bytes like any other BMP code point.
    void AppendUtf8(uint code)
    {
        if (code < 0x80)
        {
            AppendByte((byte)code);
        }
        else if (code < 0x800)
        {
            AppendByte((byte)(0xC0 | code >> 6));
            AppendByte((byte)(0x80 | code & 0x3F));
        }
        else if (code < 0x10000)
        {
            AppendByte((byte)(0xE0 | code >> 12));
            AppendByte((byte)(0x80 | code >> 6 & 0x3F));
            AppendByte((byte)(0x80 | code & 0x3F));
        }
        else
        {
            AppendByte((byte)(0xF0 | code >> 18));
            AppendByte((byte)(0x80 | code >> 12 & 0x3F));
            AppendByte((byte)(0x80 | code >> 6 & 0x3F));
            AppendByte((byte)(0x80 | code & 0x3F));
        }
    }

    void AppendByte(byte b)
    {
        if (count == buffer.Length)
            Array.Resize(ref buffer, buffer.Length * 2);
        buffer[count++] = b;
    }

    /// <summary>The decoded bytes as a string; bytes that are not UTF-8 become U+FFFD, as when Google.Protobuf reads them.</summary>
    public string DecodeUtf8() => Encoding.UTF8.GetString(Bytes);

    static bool IsHex(ReadOnlySpan<char> s) => !s.ContainsAnyExcept("0123456789abcdefABCDEF");

    static uint ReadHex(ReadOnlySpan<char> s)
    {
        uint v = 0;
        foreach (char c in s)
            v = v << 4 | (uint)HexValue(c);
        return v;
    }

    static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
