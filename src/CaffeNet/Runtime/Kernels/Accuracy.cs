namespace CaffeNet.Runtime.Kernels;

/// <summary><paramref name="IgnoreLabel"/>: label value whose positions are skipped, or null.</summary>
internal readonly record struct AccuracyParams(int TopK = 1, int Axis = 1, int? IgnoreLabel = null)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public AccuracyParams() : this(TopK: 1) { }
}

/// <summary>
/// Caffe's Accuracy: the fraction of label positions (not ignored) whose true class scores among
/// the top k. As in Caffe, a position counts when fewer than k other classes score at least as
/// high as the true class, so ties go against it. 0 when no position counts.
/// </summary>
internal static class Accuracy
{
    /// <summary>
    /// <paramref name="perClass"/>: Caffe's optional second output, the accuracy for each class
    /// among the positions labelled with it (0 for a class that never occurs); empty to skip.
    /// </summary>
    public static void Forward(in Tensor scores, in Tensor labels, in AccuracyParams p, Tensor accuracy, Span<float> perClass)
    {
        Require.Model(accuracy.Count == 1, $"Accuracy: output must hold one value, has shape {accuracy.Shape}");
        var (outer, classes, inner) = SoftmaxWithLoss.LabelGeometry(scores.Shape, labels.Shape, p.Axis, "Accuracy");
        Require.Model(p.TopK > 0 && p.TopK <= classes, $"Accuracy: top_k {p.TopK} must be within 1..{classes}");
        if (!perClass.IsEmpty)
            Require.Length(perClass, classes, "Accuracy per-class output");
        var seen = new int[classes];
        var hits = new int[classes];
        var data = scores.Span;
        var label = labels.Span;
        int count = 0, correct = 0;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int value = SoftmaxWithLoss.LabelAt(label, o * inner + i, classes, p.IgnoreLabel, "Accuracy");
                if (value < 0)
                    continue;
                float truth = data[(o * classes + value) * inner + i];
                int atLeastAsHigh = 0;
                for (int c = 0; c < classes; c++)
                {
                    if (c != value && data[(o * classes + c) * inner + i] >= truth)
                        atLeastAsHigh++;
                }
                seen[value]++;
                count++;
                if (atLeastAsHigh < p.TopK)
                {
                    hits[value]++;
                    correct++;
                }
            }
        }
        accuracy.Span[0] = count == 0 ? 0 : (float)correct / count;
        for (int c = 0; c < perClass.Length; c++)
            perClass[c] = seen[c] == 0 ? 0 : (float)hits[c] / seen[c];
    }
}
