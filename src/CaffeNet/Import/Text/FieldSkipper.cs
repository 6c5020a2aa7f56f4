namespace CaffeNet.Import.Text;

/// <summary>
/// Steps over the value of a field the schema does not know (lenient mode), as protoc's
/// SkipField does: without a schema, `name: value` is a scalar or a list and `name {` or
/// `name: {` a message, whose fields are skipped in turn.
/// </summary>
sealed class FieldSkipper(TextLexer lexer, Func<Token, string, CaffeFormatException> error)
{
    /// <summary>Skips what follows an unknown field's name: `: value`, `: [list]`, `{ ... }` or `: { ... }`.</summary>
    public void SkipFieldBody(int depth)
    {
        if (lexer.TryConsume(':') && !lexer.At('{') && !lexer.At('<'))
            SkipValue(depth);
        else
            SkipMessage(depth);
    }

    void SkipValue(int depth)
    {
        if (depth >= TextParser.MaxDepth)
            throw error(lexer.Current, $"values nest deeper than {TextParser.MaxDepth} levels");
        if (lexer.Current.Kind == TokenKind.String)
        {
            while (lexer.Current.Kind == TokenKind.String)
                lexer.Advance();
            return;
        }
        if (lexer.TryConsume('['))
        {
            if (lexer.TryConsume(']'))
                return;
            while (true)
            {
                if (lexer.At('{') || lexer.At('<'))
                    SkipMessage(depth + 1);
                else
                    SkipValue(depth + 1);
                if (lexer.TryConsume(']'))
                    return;
                if (!lexer.TryConsume(','))
                    throw error(lexer.Current, $"expected ',' or ']' in a list, got {lexer.Describe(lexer.Current)}");
            }
        }

        bool negative = lexer.TryConsume('-');
        var token = lexer.Current;
        var text = lexer.TextOf(token);
        bool number = token.Kind is TokenKind.Integer or TokenKind.Float;
        bool word = token.Kind == TokenKind.Identifier
            && (!negative || text.Equals("inf", StringComparison.OrdinalIgnoreCase)
                || text.Equals("infinity", StringComparison.OrdinalIgnoreCase)
                || text.Equals("nan", StringComparison.OrdinalIgnoreCase));
        if (!number && !word)
            throw error(token, $"expected a value, got {lexer.Describe(token)}");
        lexer.Advance();
    }

    void SkipMessage(int depth)
    {
        var open = lexer.Current;
        if (!lexer.At('{') && !lexer.At('<'))
            throw error(open, $"expected ':' or '{{' after a field name, got {lexer.Describe(open)}");
        if (depth >= TextParser.MaxDepth)
            throw error(open, $"messages nest deeper than {TextParser.MaxDepth} levels");
        char opening = lexer.TextOf(open)[0];
        char closing = opening == '<' ? '>' : '}';
        lexer.Advance();
        while (!lexer.At('}') && !lexer.At('>'))
        {
            var name = lexer.Current;
            if (name.Kind == TokenKind.End)
                throw error(name, $"end of file inside the '{opening}' opened at {open.Line}:{open.Column}");
            if (name.Kind is not (TokenKind.Identifier or TokenKind.Integer))
                throw error(name, $"expected a field name, got {lexer.Describe(name)}");
            lexer.Advance();
            SkipFieldBody(depth + 1);
            lexer.SkipFieldSeparator();
        }
        if (!lexer.At(closing))
            throw error(lexer.Current, $"expected '{closing}' to close the '{opening}' opened at {open.Line}:{open.Column}, got {lexer.Describe(lexer.Current)}");
        lexer.Advance();
    }
}
