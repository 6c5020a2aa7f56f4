namespace CaffeNet.Runtime.Kernels;

/// <summary><paramref name="NegativeSlope"/>: the factor for negative inputs (0 is a plain ReLU).</summary>
internal readonly record struct ReLUParams(float NegativeSlope = 0);

/// <summary>Caffe's ReLU: out = max(x, 0) + slope · min(x, 0). In place is allowed.</summary>
internal static class ReLU
{
    public static void Forward(in Tensor input, in ReLUParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "ReLU output");
        var src = input.Span;
        var dst = output.Span;
        float slope = p.NegativeSlope;
        for (int i = 0; i < src.Length; i++)
        {
            float x = src[i];
            dst[i] = Math.Max(x, 0f) + slope * Math.Min(x, 0f);
        }
    }
}
