using System.Text.RegularExpressions;
using CaffeNet.Export.Onnx;

namespace CaffeNet.Tests.Export;

/// <summary>The README's sentence of layer types that export names exactly the exporter's mappings.</summary>
public partial class ReadmeOnnxListTests
{
    [Fact]
    public void TheReadmeListsTheTypesThatExport()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.Root, "README.md")).ReplaceLineEndings("\n").Replace('\n', ' ');
        var match = ListSentence().Match(readme);
        Assert.True(match.Success, "README.md lacks \"Layer types that export: ... Those that do not\"");
        // "Input and the data layers (as graph inputs), Convolution, ..., ArgMax and Silence": the
        // notes in brackets dropped, the first item (graph inputs, not mappings) left out.
        var text = Brackets().Replace(match.Groups[1].Value, "");
        var listed = text.Split([", ", " and "], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(t => t is not ("Input" or "the data layers")).ToList();
        Assert.Equal(OnnxExporter.LayerTypes.Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [GeneratedRegex(@"Layer types that export: (.*?)\. Those that do not")]
    private static partial Regex ListSentence();

    [GeneratedRegex(@"\s*\([^)]*\)")]
    private static partial Regex Brackets();
}
