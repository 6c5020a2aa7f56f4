using System.Globalization;

namespace CaffeNet.Import.Text;

/// <summary>Number tokens to values and floating-point values to text, as protobuf's text format does.</summary>
static class TextNumbers
{
    /// <summary>
    /// An integer token (decimal, 0x hex or 0-led octal, as the lexer checked) as an unsigned
    /// value no larger than <paramref name="max"/>.
    /// </summary>
    public static bool TryParseUnsigned(ReadOnlySpan<char> token, ulong max, out ulong value)
    {
        int radix = 10;
        if (token.Length > 1 && token[0] == '0')
        {
            if (token[1] is 'x' or 'X')
            {
                radix = 16;
                token = token[2..];
            }
            else
            {
                radix = 8;
                token = token[1..];
            }
        }

        ulong result = 0;
        foreach (char c in token)
        {
            int digit = c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
            if (result > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                value = 0;
                return false;
            }
            result = result * (ulong)radix + (ulong)digit;
        }
        value = result;
        return result <= max;
    }

    /// <summary>True for 0x hex and 0-led octal tokens, which protoc refuses for float fields.</summary>
    public static bool IsHexOrOctal(ReadOnlySpan<char> token) => token.Length > 1 && token[0] == '0';

    /// <summary>
    /// An unsigned decimal integer token as a double: exact below 2^64 and then rounded once,
    /// beyond that read as a decimal float (protoc's behaviour).
    /// </summary>
    public static double DecimalIntegerToDouble(ReadOnlySpan<char> token) =>
        TryParseUnsigned(token, ulong.MaxValue, out var v) ? v : ParseFloat(token);

    /// <summary>A float token (`1e-5`, `.5`, `5.`, `1.0f`) as the nearest double.</summary>
    public static double ParseFloat(ReadOnlySpan<char> token)
    {
        if (token[^1] is 'f' or 'F')
            token = token[..^1];
        // Correctly rounded like strtod; out-of-range values become infinities or zeros.
        return double.Parse(token, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
    }

    /// <summary>The shortest text that reads back (through a double, as protoc reads) to the same float.</summary>
    public static int Format(float value, Span<char> destination)
    {
        if (!float.IsFinite(value))
            return Special(value, destination);
        value.TryFormat(destination, out int n, "R", CultureInfo.InvariantCulture);
        // NumberStyles.Float: the text may have a sign, which ParseFloat's lexer tokens never do.
        double back = double.Parse(destination[..n], NumberStyles.Float, CultureInfo.InvariantCulture);
        if (BitConverter.SingleToInt32Bits((float)back) != BitConverter.SingleToInt32Bits(value))
            value.TryFormat(destination, out n, "G9", CultureInfo.InvariantCulture);
        return LowerExponent(destination[..n]);
    }

    /// <summary>The shortest text that reads back to the same double.</summary>
    public static int Format(double value, Span<char> destination)
    {
        if (!double.IsFinite(value))
            return Special(value, destination);
        value.TryFormat(destination, out int n, "R", CultureInfo.InvariantCulture);
        return LowerExponent(destination[..n]);
    }

    /// <summary>Room enough for any formatted float or double.</summary>
    public const int MaxFormattedLength = 32;

    static int Special(double value, Span<char> destination)
    {
        // A NaN keeps its sign, so `-nan` reads back to the same bits; protoc reads both spellings.
        var text = double.IsNaN(value)
            ? (BitConverter.DoubleToInt64Bits(value) < 0 ? "-nan" : "nan")
            : value > 0 ? "inf" : "-inf";
        text.CopyTo(destination);
        return text.Length;
    }

    // "1E-05" -> "1e-05", the C printf spelling Caffe's files use.
    static int LowerExponent(Span<char> text)
    {
        int e = text.IndexOf('E');
        if (e >= 0)
            text[e] = 'e';
        return text.Length;
    }
}
