using System.Globalization;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Images;

namespace CaffeNet.Cli.Run;

/// <summary>`--labels`: the top 5 classes of each sample by name, for every output with one score per name.</summary>
internal sealed class LabelReport(ClassLabels labels, string file)
{
    public static LabelReport? Load(string? file) => file is null ? null : new LabelReport(ClassLabels.Load(file), file);

    /// <summary>The outputs that have one value per class name for each sample; an error when there are none.</summary>
    public List<string> Named(IReadOnlyDictionary<string, Tensor> outputs)
    {
        var named = outputs.Where(o => Fits(o.Value)).Select(o => o.Key).ToList();
        if (named.Count == 0)
            throw new CaffeNetException($"--labels {file}: {labels.Count} class names, but no output has {labels.Count} values per sample (" +
                string.Join(", ", outputs.Select(o => $"{o.Key} {o.Value.Shape}")) + ")");
        return named;
    }

    /// <summary>
    /// <paramref name="summary"/> of <paramref name="value"/> with each sample's top 5 by name when the
    /// output has one value per name (whether or not they are probabilities); else as it was.
    /// </summary>
    public OutputSummary Label(OutputSummary summary, in Tensor value)
    {
        if (!Fits(value))
            return summary;
        int classes = value.Count / value.Shape[0];
        var top = new (int Class, float Score)[value.Shape[0]][];
        for (int n = 0; n < top.Length; n++)
            top[n] = ClassLabels.Top(value.Span.Slice(n * classes, classes), 5);
        return summary with { Top5 = top, Labels = labels };
    }

    bool Fits(in Tensor value) => value.Rank > 0 && value.Shape[0] > 0 && value.Count / value.Shape[0] == labels.Count;

    /// <summary>
    /// For each named output and each of the first <paramref name="samples"/> samples: a heading
    /// (the output, and the sample's file where given), then "score  class  name" for the top 5.
    /// </summary>
    public void Write(TextWriter writer, IReadOnlyDictionary<string, Tensor> outputs, int samples, IReadOnlyList<string>? files = null)
    {
        foreach (var name in Named(outputs))
        {
            var value = outputs[name];
            int classes = value.Count / value.Shape[0];
            for (int n = 0; n < Math.Min(samples, value.Shape[0]); n++)
            {
                var heading = files is not null ? $"{files[n]}: {name}" : value.Shape[0] > 1 ? $"{name} [{n}]" : name;
                writer.WriteLine($"{heading} top-5 classes:");
                foreach (var (c, score) in ClassLabels.Top(value.Span.Slice(n * classes, classes), 5))
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {score,10:G4}  {c,4}  {labels[c]}"));
            }
        }
    }
}
