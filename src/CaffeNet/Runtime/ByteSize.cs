using System.Globalization;

namespace CaffeNet.Runtime;

/// <summary>
/// Byte counts as people read and write them. Units are powers of 1024 whichever way they are
/// spelt: K or KiB, M or MiB, G or GiB, T or TiB (case does not matter), with or without a space;
/// a bare number is bytes. KB, MB, GB and TB are refused: they mean powers of 1000 to some tools
/// and of 1024 to others.
/// </summary>
internal static class ByteSize
{
    static readonly (string Unit, int Shift)[] Units = [("T", 40), ("G", 30), ("M", 20), ("K", 10)];

    /// <summary>Three significant figures and a binary unit: `512 bytes`, `352 KiB`, `7.45 GiB`.</summary>
    public static string Format(long bytes)
    {
        if (bytes < 1024)
            return bytes == 1 ? "1 byte" : $"{bytes} bytes";
        foreach (var (unit, shift) in Units)
        {
            double value = (double)bytes / (1L << shift);
            if (value >= 1)
            {
                string digits = value >= 100 ? "F0" : value >= 10 ? "F1" : "F2";
                return value.ToString(digits, CultureInfo.InvariantCulture) + $" {unit}iB";
            }
        }
        throw new InvalidOperationException("unreachable: 1024 bytes or more is at least 1 KiB");
    }

    /// <summary>`512M`, `2G`, `1.5GiB`, `4096`: the count of bytes, rounded down; a CaffeNetException when malformed.</summary>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var s = text.Trim();
        int end = 0;
        while (end < s.Length && (char.IsAsciiDigit(s[end]) || s[end] == '.'))
            end++;
        var number = s[..end];
        var unit = s[end..].TrimStart();
        if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            throw Malformed(text);
        int shift = unit.ToUpperInvariant() switch
        {
            "" or "B" => 0,
            "K" or "KIB" => 10,
            "M" or "MIB" => 20,
            "G" or "GIB" => 30,
            "T" or "TIB" => 40,
            "KB" or "MB" or "GB" or "TB" => throw new CaffeNetException(
                $"size {Excerpt.Name(text)}: write {unit[0]} or {unit[0]}iB (powers of 1024); {unit} means powers of 1000 to some tools"),
            _ => throw Malformed(text),
        };
        decimal bytes = decimal.Floor(value * (1L << shift));
        if (bytes < 1 || bytes > long.MaxValue)
            throw new CaffeNetException($"size {Excerpt.Name(text)} is out of range (1 byte to {Format(long.MaxValue)})");
        return (long)bytes;
    }

    static CaffeNetException Malformed(string text) =>
        new($"size {Excerpt.Name(text)} is not a size such as 4096, 512K, 512M, 2G or 1.5GiB (units are powers of 1024)");
}
