using System.Globalization;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Run;

/// <summary>One net output in a few lines: shape, min/max/mean, and the top 5 of a probability vector.</summary>
public static class OutputSummary
{
    /// <summary>Samples whose top 5 are listed; a big batch lists only the first few.</summary>
    const int MaxSamples = 4;

    public static void Write(TextWriter writer, string name, in Tensor value)
    {
        var span = value.Span;
        double sum = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in span)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name}: shape {value.Shape}  min {min:G6}  max {max:G6}  mean {(span.Length == 0 ? 0 : sum / span.Length):G6}"));
        if (!IsProbabilities(value))
            return;
        int samples = value.Shape[0], classes = value.Count / samples;
        for (int n = 0; n < Math.Min(samples, MaxSamples); n++)
        {
            var row = span.Slice(n * classes, classes).ToArray();
            var top = Enumerable.Range(0, classes).OrderByDescending(i => row[i]).ThenBy(i => i).Take(5);
            var prefix = samples > 1 ? $"  [{n}] top-5:" : "  top-5:";
            writer.WriteLine(prefix + string.Concat(top.Select(i => string.Create(CultureInfo.InvariantCulture, $" {i} ({row[i]:G4})"))));
        }
    }

    /// <summary>Per sample, values in [0, 1] that add up to 1: what a Softmax at the end gives.</summary>
    static bool IsProbabilities(in Tensor value)
    {
        if (value.Rank == 0 || value.Count == 0 || value.Count / value.Shape[0] < 2)
            return false;
        int samples = value.Shape[0], classes = value.Count / samples;
        var span = value.Span;
        for (int n = 0; n < samples; n++)
        {
            double sum = 0;
            foreach (var v in span.Slice(n * classes, classes))
            {
                if (!(v >= 0 && v <= 1))
                    return false;
                sum += v;
            }
            if (Math.Abs(sum - 1) > 1e-3)
                return false;
        }
        return true;
    }
}
