namespace CaffeNet.Runtime.Kernels;

/// <summary><paramref name="IgnoreLabel"/>: target value whose positions are skipped, or null.</summary>
internal readonly record struct SigmoidCrossEntropyLossParams(int? IgnoreLabel = null, LossNormalization Normalization = LossNormalization.BatchSize)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public SigmoidCrossEntropyLossParams() : this(Normalization: LossNormalization.BatchSize) { }
}

/// <summary>
/// Caffe's SigmoidCrossEntropyLoss: −Σ [t·log σ(x) + (1 − t)·log(1 − σ(x))] over positions whose
/// target is not ignored, in Caffe's overflow-free form, divided by the normaliser (never less
/// than 1; BATCH_SIZE is the first dimension, FULL every position).
/// </summary>
internal static class SigmoidCrossEntropyLoss
{
    public static void Forward(in Tensor scores, in Tensor targets, in SigmoidCrossEntropyLossParams p, Tensor loss)
    {
        Require.Model(scores.Count == targets.Count, $"SigmoidCrossEntropyLoss: scores {scores.Shape} and targets {targets.Shape} differ in size");
        Require.Model(scores.Rank > 0, "SigmoidCrossEntropyLoss: scores need at least one axis");
        Require.Model(loss.Count == 1, $"SigmoidCrossEntropyLoss: loss output must hold one value, has shape {loss.Shape}");
        var x = scores.Span;
        var t = targets.Span;
        double sum = 0;
        int valid = 0;
        for (int i = 0; i < x.Length; i++)
        {
            if ((int)t[i] == p.IgnoreLabel)
                continue;
            double v = x[i];
            double positive = v >= 0 ? 1 : 0;
            sum -= v * (t[i] - positive) - Math.Log(1 + Math.Exp(v - 2 * v * positive));
            valid++;
        }
        double normalizer = p.Normalization switch
        {
            LossNormalization.Full => x.Length,
            LossNormalization.Valid => valid,
            LossNormalization.BatchSize => scores.Shape[0],
            _ => 1,
        };
        loss.Span[0] = (float)(sum / Math.Max(1, normalizer));
    }
}
