namespace CaffeNet.Runtime.Kernels;

/// <summary>What the summed loss is divided by (Caffe's LossParameter.NormalizationMode).</summary>
internal enum LossNormalization
{
    /// <summary>Every label position, ignored ones included.</summary>
    Full,
    /// <summary>The label positions not ignored (Caffe's default).</summary>
    Valid,
    /// <summary>The items before the softmax axis.</summary>
    BatchSize,
    /// <summary>Nothing: the plain sum.</summary>
    None,
}

/// <summary>
/// <paramref name="IgnoreLabel"/>: label value whose positions are skipped, or null.
/// Caffe's legacy <c>normalize</c> flag maps to Valid (true) or BatchSize (false).
/// </summary>
internal readonly record struct SoftmaxWithLossParams(
    int Axis = 1, int? IgnoreLabel = null, LossNormalization Normalization = LossNormalization.Valid)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public SoftmaxWithLossParams() : this(Axis: 1) { }
}

/// <summary>
/// Caffe's SoftmaxWithLoss at test time: softmax of the scores along the axis, then
/// −Σ log(max(prob[label], FLT_MIN)) over the label positions not ignored, divided by the
/// normaliser (never less than 1). One label per position of the non-softmax axes.
/// </summary>
internal static class SoftmaxWithLoss
{
    /// <summary>C's FLT_MIN, the smallest normal float: keeps log() finite for a zero probability.</summary>
    const float FloatMin = 1.17549435e-38f;

    /// <summary>
    /// Writes the scalar loss into <paramref name="loss"/> and the probabilities into
    /// <paramref name="probabilities"/> (shaped like the scores: Caffe's optional second output,
    /// or scratch).
    /// </summary>
    public static void Forward(in Tensor scores, in Tensor labels, in SoftmaxWithLossParams p,
        Tensor loss, Tensor probabilities)
    {
        Require.Model(loss.Count == 1, $"SoftmaxWithLoss: loss output must hold one value, has shape {loss.Shape}");
        var (outer, classes, inner) = LabelGeometry(scores.Shape, labels.Shape, p.Axis, "SoftmaxWithLoss");
        // Caffe's loss layers also insist that scores and labels agree on the first dimension.
        Require.Model(scores.Rank > 0 && labels.Rank > 0 && scores.Shape[0] == labels.Shape[0],
            $"SoftmaxWithLoss: scores {scores.Shape} and labels {labels.Shape} differ in the first dimension");
        Softmax.Forward(scores, new SoftmaxParams(p.Axis), probabilities);
        var prob = probabilities.Span;
        var label = labels.Span;
        double sum = 0;
        int valid = 0;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int value = LabelAt(label, o * inner + i, classes, p.IgnoreLabel, "SoftmaxWithLoss");
                if (value < 0)
                    continue;
                float q = prob[(o * classes + value) * inner + i];
                sum -= Math.Log(Math.Max(q, FloatMin));
                valid++;
            }
        }
        float normalizer = p.Normalization switch
        {
            LossNormalization.Full => outer * inner,
            LossNormalization.Valid => valid,
            LossNormalization.BatchSize => outer,
            _ => 1,
        };
        loss.Span[0] = (float)(sum / Math.Max(1f, normalizer));
    }

    /// <summary>
    /// outer × classes × inner around the axis; the labels must hold one value per outer × inner
    /// position.
    /// </summary>
    internal static (int Outer, int Classes, int Inner) LabelGeometry(TensorShape scores, TensorShape labels, int axis, string layerType)
    {
        int a = scores.CanonicalAxis(axis);
        int outer = scores.CountRange(0, a), inner = scores.CountFrom(a + 1);
        Require.Model(labels.Count == outer * inner,
            $"{layerType}: {labels.Count} labels for scores {scores} (expected {outer * inner}, one per position outside axis {a})");
        return (outer, scores[a], inner);
    }

    /// <summary>The label at <paramref name="index"/> truncated to an int as Caffe does; −1 when it is ignored.</summary>
    internal static int LabelAt(ReadOnlySpan<float> labels, int index, int classes, int? ignore, string layerType)
    {
        int value = (int)labels[index];
        if (value == ignore)
            return -1;
        Require.Model(value >= 0 && value < classes, $"{layerType}: label {labels[index]} at position {index} is outside 0..{classes - 1}");
        return value;
    }
}
