namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// Caffe's BNLL (binomial normal log likelihood, a smooth ReLU): out = log(1 + eˣ), computed as
/// x + log(1 + e⁻ˣ) for positive x so it cannot overflow. In place is allowed.
/// </summary>
internal static class BNLL
{
    public static void Forward(in Tensor input, Tensor output)
    {
        Require.Shape(output, input.Shape, "BNLL output");
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
        {
            double x = src[i];
            dst[i] = (float)(x > 0 ? x + Math.Log(1 + Math.Exp(-x)) : Math.Log(1 + Math.Exp(x)));
        }
    }
}
