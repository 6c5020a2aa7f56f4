namespace CaffeNet.Runtime.Kernels;

/// <summary>The SegNet and PSPNet forks' BN: a per-channel affine map, after normalising when statistics are given.</summary>
internal static class BN
{
    /// <summary>
    /// out = scale[c] * (x − mean[c]) / sqrt(variance[c] + eps) + shift[c], or scale[c] * x + shift[c]
    /// without statistics. Element by element, so out may be the input (in place).
    /// </summary>
    public static void Forward(in Tensor input, ReadOnlySpan<float> scale, ReadOnlySpan<float> shift,
        float[]? mean, float[]? variance, float eps, Tensor output)
    {
        Require.Shape(output, input.Shape, "BN output");
        int num = input.Shape[0], channels = input.Shape[1];
        int spatial = channels == 0 || num == 0 ? 0 : input.Count / (num * channels);
        Require.Length(scale, channels, "BN scale");
        Require.Length(shift, channels, "BN shift");
        var src = input.Span;
        var dst = output.Span;
        for (int c = 0; c < channels; c++)
        {
            float a = scale[c], b = shift[c], m = 0;
            if (mean is not null && variance is not null)
            {
                // Caffe multiplies by the inverse standard deviation, then by the scale.
                float inverse = 1 / MathF.Sqrt(variance[c] + eps);
                m = mean[c];
                for (int n = 0; n < num; n++)
                {
                    int start = (n * channels + c) * spatial;
                    for (int i = start; i < start + spatial; i++)
                        dst[i] = (src[i] - m) * inverse * a + b;
                }
                continue;
            }
            for (int n = 0; n < num; n++)
            {
                int start = (n * channels + c) * spatial;
                for (int i = start; i < start + spatial; i++)
                    dst[i] = src[i] * a + b;
            }
        }
    }

    /// <summary>The batch's mean and biased variance per channel, over N and every axis after C; sums in double.</summary>
    public static void BatchStatistics(in Tensor input, Span<float> mean, Span<float> variance)
    {
        int num = input.Shape[0], channels = input.Shape[1];
        int spatial = channels == 0 || num == 0 ? 0 : input.Count / (num * channels);
        var x = input.Span;
        double count = (double)num * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int n = 0; n < num; n++)
                foreach (var v in x.Slice((n * channels + c) * spatial, spatial))
                    sum += v;
            double m = sum / count;
            double squares = 0;
            for (int n = 0; n < num; n++)
                foreach (var v in x.Slice((n * channels + c) * spatial, spatial))
                    squares += (v - m) * (v - m);
            mean[c] = (float)m;
            variance[c] = (float)(squares / count);
        }
    }
}
