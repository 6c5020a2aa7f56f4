using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import.Text;

/// <summary>
/// Writes a message as prototxt in the layout Caffe's tools produce (protobuf's text printer):
/// fields in field-number order, two-space indents, `name: value` and `name { ... }`, one line
/// per repeated element, enums by name, strings C-escaped to ASCII.
/// </summary>
sealed class TextPrinter
{
    readonly StringBuilder output = new();
    int indent;

    public static string Print(IMessage message)
    {
        var printer = new TextPrinter();
        printer.PrintFields(message);
        return printer.output.ToString();
    }

    void PrintFields(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            var value = field.Accessor.GetValue(message);
            if (field.IsMap)
                throw new NotSupportedException($"map field {field.FullName} cannot be written as prototxt");
            if (field.IsRepeated)
                PrintRepeated(field, (IList)value);
            else if (IsSet(message, field, value))
                PrintValue(field, value);
        }
    }

    static bool IsSet(IMessage message, FieldDescriptor field, object? value)
    {
        if (field.HasPresence)
            return field.Accessor.HasValue(message);
        // Without presence (proto3 scalars), protobuf prints only values that differ from the default.
        return value switch
        {
            null => false,
            string s => s.Length > 0,
            ByteString b => b.Length > 0,
            bool b => b,
            float f => BitConverter.SingleToInt32Bits(f) != 0,
            double d => BitConverter.DoubleToInt64Bits(d) != 0,
            Enum e => Convert.ToInt64(e, CultureInfo.InvariantCulture) != 0,
            IConvertible c => c.ToDecimal(CultureInfo.InvariantCulture) != 0,
            _ => true,
        };
    }

    void PrintRepeated(FieldDescriptor field, IList list)
    {
        // Weights are long float lists: keep them unboxed.
        if (list is RepeatedField<float> floats)
        {
            foreach (float v in floats)
                PrintNumber(field, v);
        }
        else if (list is RepeatedField<double> doubles)
        {
            foreach (double v in doubles)
                PrintNumber(field, v);
        }
        else
        {
            foreach (var item in list)
                PrintValue(field, item);
        }
    }

    void PrintNumber(FieldDescriptor field, float value)
    {
        Span<char> text = stackalloc char[TextNumbers.MaxFormattedLength];
        int n = TextNumbers.Format(value, text);
        StartLine().Append(field.Name).Append(": ").Append(text[..n]).Append('\n');
    }

    void PrintNumber(FieldDescriptor field, double value)
    {
        Span<char> text = stackalloc char[TextNumbers.MaxFormattedLength];
        int n = TextNumbers.Format(value, text);
        StartLine().Append(field.Name).Append(": ").Append(text[..n]).Append('\n');
    }

    void PrintValue(FieldDescriptor field, object value)
    {
        switch (value)
        {
            case IMessage message:
                StartLine().Append(field.Name).Append(" {\n");
                indent++;
                PrintFields(message);
                indent--;
                StartLine().Append("}\n");
                return;
            case float f:
                PrintNumber(field, f);
                return;
            case double d:
                PrintNumber(field, d);
                return;
        }

        var line = StartLine().Append(field.Name).Append(": ");
        switch (value)
        {
            case string s:
                AppendQuoted(Encoding.UTF8.GetBytes(s));
                break;
            case ByteString b:
                AppendQuoted(b.Span);
                break;
            case bool b:
                line.Append(b ? "true" : "false");
                break;
            case Enum e:
                int n = Convert.ToInt32(e, CultureInfo.InvariantCulture);
                var name = field.EnumType.FindValueByNumber(n)?.Name;
                if (name is null)
                    line.Append(n);
                else
                    line.Append(name);
                break;
            case IFormattable integer:
                line.Append(integer.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                line.Append(value);
                break;
        }
        output.Append('\n');
    }

    StringBuilder StartLine() => output.Append(' ', indent * 2);

    // C escapes for quotes, backslash and \n \r \t; octal for every other byte outside printable
    // ASCII, so the output is plain ASCII whatever the string holds.
    void AppendQuoted(ReadOnlySpan<byte> bytes)
    {
        output.Append('"');
        foreach (byte b in bytes)
        {
            switch (b)
            {
                case (byte)'\n': output.Append("\\n"); break;
                case (byte)'\r': output.Append("\\r"); break;
                case (byte)'\t': output.Append("\\t"); break;
                case (byte)'"': output.Append("\\\""); break;
                case (byte)'\'': output.Append("\\'"); break;
                case (byte)'\\': output.Append("\\\\"); break;
                case < 0x20 or >= 0x7F:
                    output.Append('\\')
                        .Append((char)('0' + (b >> 6)))
                        .Append((char)('0' + (b >> 3 & 7)))
                        .Append((char)('0' + (b & 7)));
                    break;
                default:
                    output.Append((char)b);
                    break;
            }
        }
        output.Append('"');
    }
}
