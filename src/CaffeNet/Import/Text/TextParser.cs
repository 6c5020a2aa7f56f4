using System.Collections;
using System.Text;
using CaffeNet.Proto;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import.Text;

/// <summary>
/// Reads prototxt into a message by walking its descriptor, with protoc's rules: a non-repeated
/// field may appear once, unknown fields and enum values are errors, integers are range-checked
/// per type, `;` or `,` may follow any field.
/// </summary>
sealed class TextParser
{
    /// <summary>Deeper nesting than any real schema needs; bounds the recursion on hostile input.</summary>
    public const int MaxDepth = 100;

    static readonly TextParseOptions Strict = new();

    // protoc's quiet NaN: positive, unlike .NET's double.NaN.
    static readonly double QuietNaN = BitConverter.Int64BitsToDouble(0x7FF8000000000000);

    readonly TextLexer lexer;
    readonly TextParseOptions options;
    readonly StringLiteral literal = new();
    readonly List<Frame> path = [];
    readonly FieldSkipper skipper;

    /// <summary>A message being filled: which field of its parent holds it, for error messages.</summary>
    readonly record struct Frame(string Field, int Index, IMessage Message);

    TextParser(TextLexer lexer, TextParseOptions options)
    {
        this.lexer = lexer;
        this.options = options;
        skipper = new FieldSkipper(lexer, Error);
    }

    public static void Merge(IMessage message, string text, string file, TextParseOptions? options)
    {
        var parser = new TextParser(new TextLexer(text, file), options ?? Strict);
        parser.ParseTopLevel(message);
    }

    void ParseTopLevel(IMessage message)
    {
        var table = FieldTable.For(message.Descriptor);
        Span<ulong> seen = SeenSet(table, stackalloc ulong[4]);
        while (lexer.Current.Kind != TokenKind.End)
            ParseField(message, table, seen, 0);
        CheckRequired(table, seen, lexer.Current);
    }

    // The body of `{ ... }` or `< ... >`; the opening delimiter is already consumed.
    void ParseBody(IMessage message, Token open, int depth)
    {
        char opening = lexer.TextOf(open)[0];
        char closing = opening == '<' ? '>' : '}';
        var table = FieldTable.For(message.Descriptor);
        Span<ulong> seen = SeenSet(table, stackalloc ulong[4]);
        while (!lexer.At('}') && !lexer.At('>'))
        {
            if (lexer.Current.Kind == TokenKind.End)
                throw Error(lexer.Current, $"end of file inside the '{opening}' opened at {open.Line}:{open.Column}");
            ParseField(message, table, seen, depth);
        }
        if (!lexer.At(closing))
            throw Error(lexer.Current, $"expected '{closing}' to close the '{opening}' opened at {open.Line}:{open.Column}, got {lexer.Describe(lexer.Current)}");
        CheckRequired(table, seen, open);
        lexer.Advance();
    }

    static Span<ulong> SeenSet(FieldTable table, Span<ulong> small)
    {
        int words = (table.FieldCount + 63) / 64;
        return words <= small.Length ? small[..words] : new ulong[words];
    }

    void ParseField(IMessage message, FieldTable table, Span<ulong> seen, int depth)
    {
        var name = lexer.Current;
        bool numericName = options.Lenient && name.Kind == TokenKind.Integer;
        if (name.Kind != TokenKind.Identifier && !numericName)
            throw Error(name, $"expected a field name of {table.Descriptor.FullName}, got {lexer.Describe(name)}");
        var field = numericName ? null : table.Find(lexer.TextOf(name));
        lexer.Advance();

        if (field is null && message is LayerParameter layer && LayerField(name) is { } custom)
        {
            ParseLayerField(layer, custom, name, depth);
        }
        else if (field is null)
        {
            SkipUnknownField(table, name, depth);
        }
        else
        {
            if (!field.IsRepeated)
                MarkSingular(message, field, seen, name);
            ParseFieldValue(message, field, depth);
        }
        lexer.SkipFieldSeparator();
    }

    void MarkSingular(IMessage message, FieldDescriptor field, Span<ulong> seen, Token name)
    {
        ref ulong word = ref seen[field.Index >> 6];
        ulong bit = 1UL << (field.Index & 63);
        if ((word & bit) != 0)
            throw Error(name, $"field \"{field.Name}\" is not repeated but is set more than once");
        if (field.RealContainingOneof is { } oneof && oneof.Accessor.GetCaseFieldDescriptor(message) is { } other)
            throw Error(name, $"field \"{field.Name}\" is set along with \"{other.Name}\"; they share oneof \"{oneof.Name}\"");
        word |= bit;
    }

    void ParseFieldValue(IMessage message, FieldDescriptor field, int depth)
    {
        if (field.IsMap)
            throw Error(lexer.Current, $"map field \"{field.Name}\" is not supported in prototxt");
        bool isMessage = field.FieldType is FieldType.Message or FieldType.Group;
        // The colon is optional before a message, required before anything else.
        if (!lexer.TryConsume(':') && !isMessage)
            throw Error(lexer.Current, $"expected ':' after field \"{field.Name}\", got {lexer.Describe(lexer.Current)}");

        if (field.IsRepeated && lexer.TryConsume('['))
        {
            if (lexer.TryConsume(']'))
                return;
            while (true)
            {
                if (isMessage)
                    ParseMessageValue(message, field, depth);
                else
                    ParseScalar(message, field);
                if (lexer.TryConsume(']'))
                    return;
                if (!lexer.TryConsume(','))
                    throw Error(lexer.Current, $"expected ',' or ']' in the list of field \"{field.Name}\", got {lexer.Describe(lexer.Current)}");
            }
        }
        if (isMessage)
            ParseMessageValue(message, field, depth);
        else
            ParseScalar(message, field);
    }

    void ParseMessageValue(IMessage parent, FieldDescriptor field, int depth)
    {
        var open = lexer.Current;
        if (!lexer.At('{') && !lexer.At('<'))
            throw Error(open, $"expected '{{' to start field \"{field.Name}\" ({field.MessageType.FullName}), got {lexer.Describe(open)}");
        if (depth >= MaxDepth)
            throw Error(open, $"messages nest deeper than {MaxDepth} levels");
        lexer.Advance();

        var child = FieldTable.For(field.MessageType).NewMessage();
        int index = -1;
        if (field.IsRepeated)
        {
            var list = (IList)field.Accessor.GetValue(parent);
            index = list.Count;
            list.Add(child);
        }
        else
        {
            field.Accessor.SetValue(parent, child);
        }
        path.Add(new Frame(field.Name, index, child));
        ParseBody(child, open, depth + 1);
        path.RemoveAt(path.Count - 1);
    }

    LayerParameterField? LayerField(Token name)
    {
        if (name.Kind != TokenKind.Identifier)
            return null;
        var text = lexer.TextOf(name);
        foreach (var f in options.LayerFields)
            if (text.SequenceEqual(f.Name))
                return f;
        return null;
    }

    /// <summary>A custom layer's parameter message: read strictly as its type, kept as the unknown field a binary file would give.</summary>
    void ParseLayerField(LayerParameter layer, LayerParameterField custom, Token name, int depth)
    {
        if (layer.HasUnknownField(custom.Number))
            throw Error(name, $"field \"{custom.Name}\" is not repeated but is set more than once");
        lexer.TryConsume(':');
        var open = lexer.Current;
        if (!lexer.At('{') && !lexer.At('<'))
            throw Error(open, $"expected '{{' to start field \"{custom.Name}\" ({custom.Message.FullName}), got {lexer.Describe(open)}");
        if (depth >= MaxDepth)
            throw Error(open, $"messages nest deeper than {MaxDepth} levels");
        lexer.Advance();
        var child = FieldTable.For(custom.Message).NewMessage();
        path.Add(new Frame(custom.Name, -1, child));
        ParseBody(child, open, depth + 1);
        path.RemoveAt(path.Count - 1);
        layer.AddUnknownField(custom.Number, child);
    }

    void ParseScalar(IMessage message, FieldDescriptor field)
    {
        switch (field.FieldType)
        {
            case FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32:
                Store(message, field, (int)ReadSigned(field, int.MaxValue));
                break;
            case FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64:
                Store(message, field, ReadSigned(field, long.MaxValue));
                break;
            case FieldType.UInt32 or FieldType.Fixed32:
                Store(message, field, (uint)ReadUnsigned(field, uint.MaxValue));
                break;
            case FieldType.UInt64 or FieldType.Fixed64:
                Store(message, field, ReadUnsigned(field, ulong.MaxValue));
                break;
            case FieldType.Float:
                // Read as a double and rounded once more, exactly as protoc does.
                Store(message, field, (float)ReadDouble(field));
                break;
            case FieldType.Double:
                Store(message, field, ReadDouble(field));
                break;
            case FieldType.Bool:
                Store(message, field, ReadBool(field));
                break;
            case FieldType.String:
                Store(message, field, ReadString(field));
                break;
            case FieldType.Bytes:
                ReadStringBytes(field);
                Store(message, field, ByteString.CopyFrom(literal.Bytes));
                break;
            case FieldType.Enum:
                Store(message, field, ReadEnum(field));
                break;
            default:
                throw Error(lexer.Current, $"field \"{field.Name}\" has type {field.FieldType}, which prototxt cannot hold");
        }
    }

    // Boxes only for singular fields; repeated numbers (blob data) go straight into the list.
    static void Store<T>(IMessage message, FieldDescriptor field, T value) where T : notnull
    {
        if (!field.IsRepeated)
        {
            field.Accessor.SetValue(message, value);
            return;
        }
        var list = field.Accessor.GetValue(message);
        if (list is RepeatedField<T> typed)
            typed.Add(value);
        else
            ((IList)list).Add(value);
    }

    long ReadSigned(FieldDescriptor field, long max)
    {
        var start = lexer.Current;
        bool negative = lexer.TryConsume('-');
        var token = lexer.Current;
        if (token.Kind != TokenKind.Integer)
            throw Expected(field, token, "an integer");
        // Two's complement has one more negative value than positive.
        ulong limit = negative ? (ulong)max + 1 : (ulong)max;
        if (!TextNumbers.TryParseUnsigned(lexer.TextOf(token), limit, out ulong value))
            throw OutOfRange(field, start, token, negative);
        lexer.Advance();
        return negative ? unchecked(-(long)value) : (long)value;
    }

    ulong ReadUnsigned(FieldDescriptor field, ulong max)
    {
        var token = lexer.Current;
        if (lexer.At('-'))
            throw Error(token, $"field \"{field.Name}\" ({TypeName(field)}) cannot be negative");
        if (token.Kind != TokenKind.Integer)
            throw Expected(field, token, "an integer");
        if (!TextNumbers.TryParseUnsigned(lexer.TextOf(token), max, out ulong value))
            throw OutOfRange(field, token, token, false);
        lexer.Advance();
        return value;
    }

    double ReadDouble(FieldDescriptor field)
    {
        bool negative = lexer.TryConsume('-');
        var token = lexer.Current;
        var text = lexer.TextOf(token);
        double value;
        switch (token.Kind)
        {
            case TokenKind.Integer:
                if (TextNumbers.IsHexOrOctal(text))
                    throw Expected(field, token, "a decimal number");
                value = TextNumbers.DecimalIntegerToDouble(text);
                break;
            case TokenKind.Float:
                value = TextNumbers.ParseFloat(text);
                break;
            case TokenKind.Identifier when text.Equals("inf", StringComparison.OrdinalIgnoreCase)
                                        || text.Equals("infinity", StringComparison.OrdinalIgnoreCase):
                value = double.PositiveInfinity;
                break;
            case TokenKind.Identifier when text.Equals("nan", StringComparison.OrdinalIgnoreCase):
                value = QuietNaN;
                break;
            default:
                throw Expected(field, token, "a number");
        }
        lexer.Advance();
        return negative ? -value : value;
    }

    bool ReadBool(FieldDescriptor field)
    {
        var token = lexer.Current;
        var text = lexer.TextOf(token);
        bool value;
        if (token.Kind == TokenKind.Integer && TextNumbers.TryParseUnsigned(text, 1, out ulong n))
            value = n == 1;
        else if (token.Kind == TokenKind.Identifier && text is "true" or "True" or "t")
            value = true;
        else if (token.Kind == TokenKind.Identifier && text is "false" or "False" or "f")
            value = false;
        else
            throw Expected(field, token, "true or false");
        lexer.Advance();
        return value;
    }

    object ReadEnum(FieldDescriptor field)
    {
        var table = EnumTable.For(field.EnumType);
        var token = lexer.Current;
        if (token.Kind == TokenKind.Identifier)
        {
            var name = lexer.TextOf(token);
            var value = table.Find(name) ?? throw UnknownEnumValue(field, token, name, Excerpt.Quote(name, '\''));
            lexer.Advance();
            return value;
        }
        if (token.Kind == TokenKind.Integer || lexer.At('-'))
        {
            int number = (int)ReadSigned(field, int.MaxValue);
            return table.Find(number)
                ?? (table.IsClosed ? throw UnknownEnumValue(field, token, number.ToString(), number.ToString()) : table.Box(number));
        }
        throw Expected(field, token, "an enum value name or number");
    }

    string ReadString(FieldDescriptor field)
    {
        var first = lexer.Current;
        if (first.Kind != TokenKind.String)
            throw Expected(field, first, "a quoted string");
        var text = lexer.TextOf(first);
        lexer.Advance();
        if (lexer.Current.Kind != TokenKind.String && StringLiteral.IsPlain(text))
            return new string(StringLiteral.Inner(text));

        literal.Clear();
        literal.Append(text);
        AppendAdjacentStrings();
        return literal.DecodeUtf8();
    }

    void ReadStringBytes(FieldDescriptor field)
    {
        var first = lexer.Current;
        if (first.Kind != TokenKind.String)
            throw Expected(field, first, "a quoted string");
        literal.Clear();
        AppendAdjacentStrings();
    }

    // Adjacent literals concatenate, as in C: "ab" 'cd' is "abcd".
    void AppendAdjacentStrings()
    {
        while (lexer.Current.Kind == TokenKind.String)
        {
            literal.Append(lexer.TextOf(lexer.Current));
            lexer.Advance();
        }
    }

    // Lenient reading skips a field only if its name is far from every known one: a fork's
    // addition, not a typo that would silently drop what the user wrote.
    void SkipUnknownField(FieldTable table, Token name, int depth)
    {
        var fieldName = lexer.TextOf(name);
        var shown = Excerpt.Quote(fieldName);
        if (name.Kind == TokenKind.Identifier)
        {
            var near = table.Nearest(fieldName, out int distance);
            if (!options.Lenient || distance <= NameSuggester.TypoDistance)
            {
                var hint = near is null ? "" : $"; did you mean \"{near}\"?";
                throw Error(name, $"{table.Descriptor.FullName} has no field {shown}{hint}");
            }
        }
        options.Warning?.Invoke(
            $"{lexer.File}:{name.Line}:{name.Column}: skipped unknown field {shown} of {table.Descriptor.FullName}{Where()}");
        skipper.SkipFieldBody(depth);
    }

    void CheckRequired(FieldTable table, Span<ulong> seen, Token at)
    {
        foreach (var field in table.Required)
        {
            if ((seen[field.Index >> 6] & 1UL << (field.Index & 63)) == 0)
                throw Error(at, $"{table.Descriptor.FullName} is missing required field \"{field.Name}\"");
        }
    }

    CaffeFormatException Expected(FieldDescriptor field, Token got, string what) =>
        Error(got, $"field \"{field.Name}\" ({TypeName(field)}) expects {what}, got {lexer.Describe(got)}");

    CaffeFormatException OutOfRange(FieldDescriptor field, Token at, Token number, bool negative) =>
        Error(at, $"{(negative ? "-" : "")}{Excerpt.Plain(lexer.TextOf(number))} is out of range for field \"{field.Name}\" ({TypeName(field)})");

    /// <summary><paramref name="shown"/> is <paramref name="value"/> as the message quotes it.</summary>
    CaffeFormatException UnknownEnumValue(FieldDescriptor field, Token at, ReadOnlySpan<char> value, string shown)
    {
        var names = EnumTable.For(field.EnumType).Names;
        var hint = NameSuggester.Nearest(value, names, out _) is { } near ? $"; did you mean {near}?" : "";
        return Error(at, $"field \"{field.Name}\" ({field.EnumType.FullName}) has no value {shown}{hint} (values: {string.Join(", ", names)})");
    }

    CaffeFormatException Error(Token at, string message) => lexer.Error(at, message + Where());

    static string TypeName(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Enum => field.EnumType.FullName,
        FieldType.Message or FieldType.Group => field.MessageType.FullName,
        _ => field.FieldType.ToString().ToLowerInvariant(),
    };

    // " (in layer[3] "conv1" > convolution_param)": where in the file's structure the error is.
    string Where()
    {
        if (path.Count == 0)
            return "";
        var sb = new StringBuilder(" (in ");
        for (int i = 0; i < path.Count; i++)
        {
            var frame = path[i];
            if (i > 0)
                sb.Append(" > ");
            sb.Append(frame.Field);
            if (frame.Index >= 0)
                sb.Append('[').Append(frame.Index).Append(']');
            if (NameOf(frame.Message) is { } name)
                sb.Append(' ').Append(Excerpt.Quote(name));
        }
        return sb.Append(')').ToString();
    }

    static string? NameOf(IMessage message) =>
        message.Descriptor.FindFieldByName("name") is { FieldType: FieldType.String, IsRepeated: false } f
        && f.Accessor.GetValue(message) is string { Length: > 0 } name
            ? name
            : null;
}
