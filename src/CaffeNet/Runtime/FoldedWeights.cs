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
        var blobs = weights.For(fusion.Anchor);
        var w = blobs[0].ToArray();
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
            for (int i = 0; i < perOutput; i++)
                w[o * perOutput + i] = (float)(w[o * perOutput + i] * k[o]);
            bias[o] = (float)(bias[o] * k[o] + shift[o]);
        }
        return (w, bias);
    }
}
