using System.Text;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.CustomLayers;

/// <summary>The README's list of supported layer types is the registry's, between its two markers.</summary>
public class ReadmeLayerListTests
{
    const string Begin = "<!-- layer types: generated from LayerRegistry.Default, checked by ReadmeLayerListTests -->";
    const string End = "<!-- end of layer types -->";

    [Fact]
    public void TheReadmeListsTheRegistrysTypes()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.Root, "README.md")).ReplaceLineEndings("\n");
        int begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        int end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md lacks the markers {Begin} ... {End}");

        var listed = readme[(begin + Begin.Length)..end].Trim('\n');

        var expected = Generate(LayerRegistry.Default);
        Assert.True(listed == expected, $"README.md's layer list differs from the registry's; replace it with:\n{expected}");
    }

    static string Generate(LayerRegistry registry)
    {
        var runnable = registry.RunnableTypes.ToList();
        var inputs = registry.Types.Except(runnable).ToList();
        return Wrap($"Layers ({runnable.Count} type names): ", runnable) + "\n\n"
            + Wrap($"Inputs, whose tops become the net's inputs ({inputs.Count}): ", inputs);
    }

    /// <summary>Backquoted names after <paramref name="head"/>, lines wrapped before 100 characters.</summary>
    static string Wrap(string head, IEnumerable<string> names)
    {
        var text = new StringBuilder();
        var line = new StringBuilder(head);
        var items = names.Select(n => $"`{n}`").ToList();
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i] + (i < items.Count - 1 ? "," : ".");
            if (line.Length + 1 + item.Length > 100)
            {
                text.Append(line.ToString().TrimEnd()).Append('\n');
                line.Clear();
            }
            else if (line.Length > 0 && line[^1] != ' ')
            {
                line.Append(' ');
            }
            line.Append(item);
        }
        return text.Append(line).ToString();
    }
}
