namespace CaffeNet.Import.Text;

/// <summary>
/// Splits prototxt into tokens the way protobuf's tokenizer does (shell-style `#` comments,
/// numbers with an optional `f` suffix, quoted strings with C escapes), one token of lookahead.
/// Anything protoc's tokenizer reports as an error is an error here too, thrown at once.
/// </summary>
sealed class TextLexer
{
    readonly string text;
    int pos;
    int line = 1;
    int lineStart;
    Token previous;

    public TextLexer(string text, string file)
    {
        this.text = text;
        File = file;
        // A UTF-8 byte order mark survives as U+FEFF when the caller decoded the bytes itself.
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            pos = 1;
            lineStart = 1;
        }
        Current = Scan();
    }

    public string File { get; }

    public Token Current { get; private set; }

    public ReadOnlySpan<char> TextOf(Token token) => text.AsSpan(token.Start, token.Length);

    public void Advance()
    {
        previous = Current;
        Current = Scan();
    }

    public bool At(char symbol) =>
        Current.Kind == TokenKind.Symbol && text[Current.Start] == symbol;

    public bool TryConsume(char symbol)
    {
        if (!At(symbol))
            return false;
        Advance();
        return true;
    }

    /// <summary>For historical reasons any field may be followed by one `;` or `,`.</summary>
    public void SkipFieldSeparator()
    {
        if (!TryConsume(';'))
            TryConsume(',');
    }

    /// <summary>A token for a message: its text (cut if long, see <see cref="Excerpt"/>), or "end of file".</summary>
    public string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "end of file",
        TokenKind.String => Excerpt.Plain(TextOf(token)),
        _ => Excerpt.Quote(TextOf(token), '\''),
    };

    public CaffeFormatException Error(Token at, string message) =>
        CaffeFormatException.AtText(File, at.Line, at.Column, message);

    CaffeFormatException ErrorHere(int index, string message) =>
        CaffeFormatException.AtText(File, line, index - lineStart + 1, message);

    Token Scan()
    {
        SkipSpaceAndComments();
        int start = pos;
        if (pos >= text.Length)
            return new Token(TokenKind.End, start, 0, line, pos - lineStart + 1);

        char c = text[pos];
        TokenKind kind;
        if (IsLetter(c))
        {
            pos++;
            while (pos < text.Length && (IsLetter(text[pos]) || char.IsAsciiDigit(text[pos])))
                pos++;
            kind = TokenKind.Identifier;
        }
        else if (char.IsAsciiDigit(c))
        {
            pos++;
            kind = ScanNumber(startedWithZero: c == '0', startedWithDot: false);
        }
        else if (c == '.' && pos + 1 < text.Length && char.IsAsciiDigit(text[pos + 1]))
        {
            // protoc refuses "blah.123": the number would silently split an identifier.
            if (previous.Kind == TokenKind.Identifier && previous.End == pos)
                throw ErrorHere(pos, "need a space between an identifier and a decimal point");
            pos += 2;
            kind = ScanNumber(startedWithZero: false, startedWithDot: true);
        }
        else if (c is '"' or '\'')
        {
            ScanString(c);
            kind = TokenKind.String;
        }
        else if (c < ' ')
        {
            throw ErrorHere(pos, $"invalid control character U+{(int)c:X4}");
        }
        else if (c >= 0x80)
        {
            throw ErrorHere(pos, $"unexpected character '{c}' (U+{(int)c:X4}) outside a string or comment");
        }
        else
        {
            pos++;
            kind = TokenKind.Symbol;
        }
        return new Token(kind, start, pos - start, line, start - lineStart + 1);
    }

    void SkipSpaceAndComments()
    {
        while (pos < text.Length)
        {
            switch (text[pos])
            {
                case '\n':
                    pos++;
                    line++;
                    lineStart = pos;
                    break;
                case ' ' or '\t' or '\r' or '\v' or '\f':
                    pos++;
                    break;
                case '#':
                    while (pos < text.Length && text[pos] != '\n')
                    {
                        // protoc stops a comment at NUL and then refuses the NUL.
                        if (text[pos] == '\0')
                            throw ErrorHere(pos, "invalid control character U+0000");
                        pos++;
                    }
                    break;
                default:
                    return;
            }
        }
    }

    // Mirrors protobuf's number grammar: 0x hex, leading-zero octal, decimal with optional
    // fraction, exponent and `f` suffix. The first character (and a leading '.') is consumed.
    TokenKind ScanNumber(bool startedWithZero, bool startedWithDot)
    {
        bool isFloat = false;
        if (startedWithZero && pos < text.Length && text[pos] is 'x' or 'X')
        {
            pos++;
            if (pos >= text.Length || !char.IsAsciiHexDigit(text[pos]))
                throw ErrorHere(pos, "\"0x\" must be followed by hex digits");
            while (pos < text.Length && char.IsAsciiHexDigit(text[pos]))
                pos++;
        }
        else if (startedWithZero && pos < text.Length && char.IsAsciiDigit(text[pos]))
        {
            while (pos < text.Length && text[pos] is >= '0' and <= '7')
                pos++;
            if (pos < text.Length && char.IsAsciiDigit(text[pos]))
                throw ErrorHere(pos, "numbers starting with 0 are octal; 8 and 9 are not octal digits");
        }
        else
        {
            if (startedWithDot)
            {
                isFloat = true;
                SkipDigits();
            }
            else
            {
                SkipDigits();
                if (pos < text.Length && text[pos] == '.')
                {
                    isFloat = true;
                    pos++;
                    SkipDigits();
                }
            }
            if (pos < text.Length && text[pos] is 'e' or 'E')
            {
                isFloat = true;
                pos++;
                if (pos < text.Length && text[pos] is '-' or '+')
                    pos++;
                if (pos >= text.Length || !char.IsAsciiDigit(text[pos]))
                    throw ErrorHere(pos, "\"e\" must be followed by an exponent");
                SkipDigits();
            }
            if (pos < text.Length && text[pos] is 'f' or 'F')
            {
                isFloat = true;
                pos++;
            }
        }

        if (pos < text.Length && IsLetter(text[pos]))
            throw ErrorHere(pos, "need a space between a number and an identifier");
        if (pos < text.Length && text[pos] == '.')
        {
            throw ErrorHere(pos, isFloat
                ? "a number cannot have a second decimal point or exponent"
                : "hex and octal numbers must be integers");
        }
        return isFloat ? TokenKind.Float : TokenKind.Integer;
    }

    void SkipDigits()
    {
        while (pos < text.Length && char.IsAsciiDigit(text[pos]))
            pos++;
    }

    // Checks escapes as protobuf's tokenizer does; StringLiteral decodes them later.
    void ScanString(char quote)
    {
        int startColumn = pos - lineStart + 1;
        pos++;
        while (true)
        {
            if (pos >= text.Length)
                throw CaffeFormatException.AtText(File, line, startColumn, "string is not closed before the end of the file");
            char c = text[pos];
            if (c == quote)
            {
                pos++;
                return;
            }
            if (c == '\n')
                throw CaffeFormatException.AtText(File, line, startColumn, "string is not closed before the end of the line");
            if (c == '\0')
                throw ErrorHere(pos, "invalid control character U+0000 in a string");
            if (c != '\\')
            {
                pos++;
                continue;
            }

            int escape = pos;
            pos++;
            char e = pos < text.Length ? text[pos] : '\0';
            if (e is 'a' or 'b' or 'f' or 'n' or 'r' or 't' or 'v' or '\\' or '?' or '\'' or '"' or (>= '0' and <= '7'))
            {
                pos++;
            }
            else if (e == 'x')
            {
                pos++;
                if (!TryHexDigits(1))
                    throw ErrorHere(escape, "\\x must be followed by a hex digit");
            }
            else if (e == 'u')
            {
                pos++;
                if (!TryHexDigits(4))
                    throw ErrorHere(escape, "\\u must be followed by four hex digits");
            }
            else if (e == 'U')
            {
                pos++;
                // Eight hex digits, at most 0x1FFFFF, as protoc checks.
                if (!(TryChar('0') && TryChar('0') && (TryChar('0') || TryChar('1')) && TryHexDigits(5)))
                    throw ErrorHere(escape, "\\U must be followed by eight hex digits up to 0010ffff");
            }
            else
            {
                throw ErrorHere(escape, $"invalid escape sequence '\\{(e < ' ' ? "" : e.ToString())}' in a string");
            }
        }
    }

    bool TryChar(char c)
    {
        if (pos < text.Length && text[pos] == c)
        {
            pos++;
            return true;
        }
        return false;
    }

    bool TryHexDigits(int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (pos >= text.Length || !char.IsAsciiHexDigit(text[pos]))
                return false;
            pos++;
        }
        return true;
    }

    static bool IsLetter(char c) => char.IsAsciiLetter(c) || c == '_';
}
