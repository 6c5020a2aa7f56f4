namespace CaffeNet.Runtime.Kernels;

internal readonly record struct ClipParams(float Min, float Max);

/// <summary>Caffe's Clip: out = max(min, min(x, max)). In place is allowed.</summary>
internal static class Clip
{
    public static void Forward(in Tensor input, in ClipParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "Clip output");
        Require.Model(p.Min <= p.Max, $"Clip: min {p.Min} is greater than max {p.Max}");
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
            dst[i] = Math.Max(p.Min, Math.Min(src[i], p.Max));
    }
}
