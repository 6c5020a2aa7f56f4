namespace CaffeNet.Runtime.Kernels;

/// <summary>Caffe's ELU: out = max(x, 0) + α·(exp(min(x, 0)) − 1). In place is allowed.</summary>
internal static class ELU
{
    public static void Forward(in Tensor input, float alpha, Tensor output)
    {
        Require.Shape(output, input.Shape, "ELU output");
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
        {
            float x = src[i];
            dst[i] = Math.Max(x, 0f) + alpha * (MathF.Exp(Math.Min(x, 0f)) - 1);
        }
    }
}
