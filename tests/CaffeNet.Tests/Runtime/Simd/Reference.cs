using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

/// <summary>
/// Plain loops in double precision that the SIMD kernels are checked against, and the error bound
/// used for that check.
/// </summary>
static class Reference
{
    /// <summary>Unit roundoff of float (round to nearest).</summary>
    const double U = 1.0 / (1 << 24);

    /// <summary>
    /// Worst-case error of adding n float terms, each a product rounded once or an exact value, in any
    /// order and grouping (Higham, Accuracy and Stability of Numerical Algorithms, eq. 3.5):
    /// |computed - exact| &lt;= gamma(n) * sum |term|, gamma(n) = n u / (1 - n u). The kernels reassociate
    /// the sum (vector lanes, FMA, K blocks), so results are not bitwise those of any fixed order, but
    /// every order obeys this bound; clamping afterwards cannot increase the error.
    /// </summary>
    public static double Gamma(int n) => n * U / (1 - n * U);

    public static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var data = new float[count];
        for (int i = 0; i < count; i++)
            data[i] = (float)(rng.NextDouble() * 2 - 1);
        return data;
    }

    /// <summary>
    /// Checks c against the exact result of clamp(A B + bias + residual); returns null or a message
    /// naming the first element out of bound.
    /// </summary>
    public static string? CheckGemm(int m, int n, int k, float[] a, int lda, float[] b, int ldb, bool transposeB,
        float[] c, int ldc, float[]? bias, float[]? residual, int ldr, float lo, float hi)
    {
        double gamma = Gamma(k + 2);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int p = 0; p < k; p++)
                {
                    double term = (double)a[i * lda + p] * (transposeB ? b[j * ldb + p] : b[p * ldb + j]);
                    sum += term;
                    magnitude += Math.Abs(term);
                }
                if (bias != null)
                {
                    sum += bias[i];
                    magnitude += Math.Abs(bias[i]);
                }
                if (residual != null)
                {
                    sum += residual[i * ldr + j];
                    magnitude += Math.Abs(residual[i * ldr + j]);
                }
                double expected = Math.Min(Math.Max(sum, lo), hi);
                double actual = c[i * ldc + j];
                if (!(Math.Abs(actual - expected) <= gamma * magnitude))
                    return $"C[{i},{j}] = {actual}, expected {expected} +- {gamma * magnitude:G3}";
            }
        }
        return null;
    }

    /// <summary>
    /// Checks a depthwise convolution (batch x channels planes) against the definition, taps in the
    /// padding skipped, with the bound gamma(taps + 1) * sum |term| per output.
    /// </summary>
    public static string? CheckDepthwise(float[] input, int batch, int channels, int h, int w, float[] weights,
        float[]? bias, ConvWindow window, float lo, float hi, float[] output)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w);
        double gamma = Gamma(window.KernelH * window.KernelW + 1);
        for (int p = 0; p < batch * channels; p++)
        {
            int c = p % channels;
            for (int oy = 0; oy < oh; oy++)
            {
                for (int ox = 0; ox < ow; ox++)
                {
                    double sum = bias?[c] ?? 0, magnitude = Math.Abs(sum);
                    for (int ky = 0; ky < window.KernelH; ky++)
                    {
                        for (int kx = 0; kx < window.KernelW; kx++)
                        {
                            int iy = oy * window.StrideH - window.PadH + ky * window.DilationH;
                            int ix = ox * window.StrideW - window.PadW + kx * window.DilationW;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                continue;
                            double term = (double)weights[(c * window.KernelH + ky) * window.KernelW + kx] * input[(p * h + iy) * w + ix];
                            sum += term;
                            magnitude += Math.Abs(term);
                        }
                    }
                    double expected = Math.Min(Math.Max(sum, lo), hi);
                    double actual = output[(p * oh + oy) * ow + ox];
                    if (!(Math.Abs(actual - expected) <= gamma * magnitude))
                        return $"out[{p / channels},{c},{oy},{ox}] = {actual}, expected {expected} +- {gamma * magnitude:G3}";
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Checks a group-1 convolution (input batch x channels x h x w, weights outputs x channels x
    /// KernelH x KernelW) against the definition, taps in the padding skipped, with the bound
    /// gamma(taps + 1) * sum |term| per output.
    /// </summary>
    public static string? CheckConv(float[] input, int batch, int channels, int h, int w, float[] weights, int outputs,
        float[]? bias, ConvWindow window, float lo, float hi, float[] output)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w);
        int kh = window.KernelH, kw = window.KernelW;
        double gamma = Gamma(channels * kh * kw + 1);
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                for (int oy = 0; oy < oh; oy++)
                {
                    for (int ox = 0; ox < ow; ox++)
                    {
                        double sum = bias?[o] ?? 0, magnitude = Math.Abs(sum);
                        for (int c = 0; c < channels; c++)
                        {
                            for (int ky = 0; ky < kh; ky++)
                            {
                                for (int kx = 0; kx < kw; kx++)
                                {
                                    int iy = oy * window.StrideH - window.PadH + ky * window.DilationH;
                                    int ix = ox * window.StrideW - window.PadW + kx * window.DilationW;
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                        continue;
                                    double term = (double)weights[((o * channels + c) * kh + ky) * kw + kx] *
                                        input[((n * channels + c) * h + iy) * w + ix];
                                    sum += term;
                                    magnitude += Math.Abs(term);
                                }
                            }
                        }
                        double expected = Math.Min(Math.Max(sum, lo), hi);
                        double actual = output[((n * outputs + o) * oh + oy) * ow + ox];
                        if (!(Math.Abs(actual - expected) <= gamma * magnitude))
                            return $"out[{n},{o},{oy},{ox}] = {actual}, expected {expected} +- {gamma * magnitude:G3}";
                    }
                }
            }
        }
        return null;
    }
}
