using System.Globalization;
using CaffeNet.Graph;

namespace CaffeNet.Cli.Dump;

/// <summary>Number and name formatting shared by the dump writers.</summary>
static class Format
{
    /// <summary>12,345,678</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>3.54M, 313.62M, 1.18G: three significant-ish digits for table cells and beside exact totals.</summary>
    public static string Short(long n) => n switch
    {
        >= 1_000_000_000 => (n / 1e9).ToString("0.##", CultureInfo.InvariantCulture) + "G",
        >= 1_000_000 => (n / 1e6).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (n / 1e3).ToString("0.##", CultureInfo.InvariantCulture) + "k",
        _ => n.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>5.74 MiB</summary>
    public static string Bytes(long n) => n switch
    {
        >= 1L << 30 => (n / (double)(1L << 30)).ToString("0.##", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (n / (double)(1L << 20)).ToString("0.##", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (n / (double)(1L << 10)).ToString("0.##", CultureInfo.InvariantCulture) + " KiB",
        _ => n.ToString(CultureInfo.InvariantCulture) + " B",
    };

    /// <summary>Shortens <paramref name="text"/> to <paramref name="width"/> by cutting its middle: "inception...branch_1x1".</summary>
    public static string Middle(string text, int width)
    {
        const string cut = "...";
        if (text.Length <= width) return text;
        if (width <= cut.Length) return text[..width];
        int keep = width - cut.Length;
        int head = (keep + 1) / 2;
        return text[..head] + cut + text[^(keep - head)..];
    }

    /// <summary>Layer counts by type, most common first, ties by name.</summary>
    public static IEnumerable<(string Type, int Count)> TypeCounts(NetGraph graph) =>
        graph.Nodes.GroupBy(n => n.Type, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count()))
            .OrderByDescending(t => t.Item2)
            .ThenBy(t => t.Key, StringComparer.Ordinal);

    public static string Phase(Proto.Phase phase) => phase.ToString().ToUpperInvariant();
}
