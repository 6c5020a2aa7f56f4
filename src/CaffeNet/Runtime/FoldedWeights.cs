using System.Runtime.Intrinsics;
using CaffeNet.Graph;
using CaffeNet.Graph.Passes;

namespace CaffeNet.Runtime;

/// <summary>
/// An anchor's weights and bias with a following BatchNorm and Scale folded in, per output channel o:
/// BatchNorm y = (x − mean) / sqrt(var + eps), mean = blobs[0]·s, var = blobs[1]·s with
/// s = 1 / blobs[2][0] (0 when that factor is 0, as Caffe does); Scale y = x·γ + β. With
/// k = γ / sqrt(var + eps): w' = w·k and b' = (b − mean)·k + β, computed in double.
/// </summary>
internal static class FoldedWeights
{
    /// <summary>The folded (weights, bias); bias has one value per output even when the anchor had none.</summary>
    public static (float[] Weights, float[] Bias) For(ConvFusion fusion, NetWeights weights)
    {
        var w = GC.AllocateUninitializedArray<float>(weights.For(fusion.Anchor)[0].Count);
        return (w, Into(fusion, weights, w));
    }

    /// <summary>
    /// Folds the weights into <paramref name="folded"/> (as many floats as the anchor's weight blob)
    /// and returns the folded bias: for a layer that rearranges them and keeps only that copy, so
    /// the folded weights can go to a buffer used again for the next layer.
    /// </summary>
    public static float[] Into(ConvFusion fusion, NetWeights weights, Span<float> folded)
    {
        var blobs = weights.For(fusion.Anchor);
        var w = blobs[0].Span;
        if (folded.Length != w.Length)
            throw new ArgumentException($"{w.Length} weights, {folded.Length} floats to fold them into", nameof(folded));
        int outputs = fusion.Anchor.Attributes switch
        {
            ConvolutionAttributes c => c.NumOutput,
            InnerProductAttributes ip => ip.NumOutput,
            _ => throw new InvalidOperationException($"{fusion.Anchor} is not a fusion anchor"),
        };
        var bias = blobs.Count > 1 ? blobs[1].ToArray() : new float[outputs];
        int perOutput = w.Length / outputs;
        var k = new double[outputs];
        var shift = new double[outputs];
        Array.Fill(k, 1.0);
        if (fusion.BatchNorm is { } bn)
        {
            var stats = weights.For(bn);
            float eps = ((BatchNormAttributes)bn.Attributes!).Eps;
            float f = stats[2].Span[0];
            double s = f == 0 ? 0 : 1.0 / f;
            for (int o = 0; o < outputs; o++)
            {
                double mean = stats[0].Span[o] * s, variance = stats[1].Span[o] * s;
                k[o] = 1 / Math.Sqrt(variance + eps);
                shift[o] = -mean * k[o];
            }
        }
        if (fusion.Scale is { } scale)
        {
            var sb = weights.For(scale);
            bool hasBias = ((ScaleAttributes)scale.Attributes!).BiasTerm;
            for (int o = 0; o < outputs; o++)
            {
                double gamma = sb[0].Span[o];
                k[o] *= gamma;
                shift[o] = shift[o] * gamma + (hasBias ? sb[1].Span[o] : 0);
            }
        }
        for (int o = 0; o < outputs; o++)
        {
            Scale(w.Slice(o * perOutput, perOutput), k[o], folded.Slice(o * perOutput, perOutput));
            bias[o] = (float)(bias[o] * k[o] + shift[o]);
        }
        return bias;
    }

    /// <summary>to[i] = (float)(from[i] · k) in double, as the scalar loop; the vector
    /// conversions round as the scalar ones do, so the floats are the same.</summary>
    static void Scale(ReadOnlySpan<float> from, double k, Span<float> to)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var kv = Vector256.Create(k);
            for (; i <= from.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.Create(from.Slice(i, Vector256<float>.Count)));
                Vector256.Narrow(lo * kv, hi * kv).CopyTo(to.Slice(i, Vector256<float>.Count));
            }
        }
        for (; i < from.Length; i++)
            to[i] = (float)(from[i] * k);
    }
}
