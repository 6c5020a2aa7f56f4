using CaffeNet.Import.Text;

namespace CaffeNet.Import.Upgrade;

/// <summary>
/// The file being upgraded and where its warnings go. Messages name the file first, then the layer,
/// because after parsing a layer has no line number left to point at.
/// </summary>
internal sealed class UpgradeContext(string fileName, Action<string>? warn)
{
    public string FileName { get; } = fileName;

    public CaffeFormatException Error(string where, string message) =>
        new($"{FileName}: {where}: {message}");

    public void Warn(string where, string message) => warn?.Invoke($"{FileName}: {where}: {message}");

    /// <summary>Names a layer the way a user finds it in the file: list, index and name.</summary>
    public static string Layer(string list, int index, string? name) =>
        string.IsNullOrEmpty(name) ? $"{list}[{index}]" : $"{list}[{index}] {Excerpt.Quote(name, '\'')}";
}
