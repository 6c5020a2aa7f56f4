namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// <paramref name="UseGlobalStats"/>: normalise with the stored statistics (Caffe's default in
/// TEST) rather than with those of the batch itself.
/// </summary>
internal readonly record struct BatchNormParams(float Eps = 1e-5f, bool UseGlobalStats = true)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public BatchNormParams() : this(Eps: 1e-5f) { }
}

/// <summary>
/// Caffe's BatchNorm (no learned scale or shift; a Scale layer follows it):
/// out = (x − mean[c]) / sqrt(var[c] + eps) over channel axis 1. Stored statistics are sums:
/// mean = blobs[0] / f and var = blobs[1] / f with f = blobs[2][0], where f = 0 means the
/// statistics are taken as 0. Batch statistics average over N and every axis after C, with the
/// biased variance E[(x − mean)²].
/// </summary>
internal static class BatchNorm
{
    /// <summary>
    /// <paramref name="meanSum"/>, <paramref name="varianceSum"/> and <paramref name="factor"/> are
    /// the layer's three blobs; they are not read when the batch statistics are used.
    /// </summary>
    public static void Forward(in Tensor input, ReadOnlySpan<float> meanSum, ReadOnlySpan<float> varianceSum,
        ReadOnlySpan<float> factor, in BatchNormParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "BatchNorm output");
        Require.Model(input.Rank >= 1, "BatchNorm: input must have at least one axis");
        int num = input.Shape[0];
        int channels = input.Rank == 1 ? 1 : input.Shape[1];
        int spatial = input.Rank <= 2 ? 1 : input.Shape.CountFrom(2);
        var mean = new float[channels];
        var variance = new float[channels];
        if (p.UseGlobalStats)
        {
            Require.Length(meanSum, channels, "BatchNorm mean");
            Require.Length(varianceSum, channels, "BatchNorm variance");
            Require.Length(factor, 1, "BatchNorm scale factor");
            float scale = factor[0] == 0 ? 0 : 1 / factor[0];
            for (int c = 0; c < channels; c++)
            {
                mean[c] = meanSum[c] * scale;
                variance[c] = varianceSum[c] * scale;
            }
        }
        else
            BatchStatistics(input.Span, num, channels, spatial, mean, variance);

        var src = input.Span;
        var dst = output.Span;
        for (int n = 0; n < num; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                float m = mean[c];
                float std = MathF.Sqrt(variance[c] + p.Eps);
                int start = (n * channels + c) * spatial;
                for (int i = start; i < start + spatial; i++)
                    dst[i] = (src[i] - m) / std;
            }
        }
    }

    // Two passes (mean, then squared deviations) as Caffe does; sums in double so a large batch
    // does not lose precision.
    static void BatchStatistics(ReadOnlySpan<float> x, int num, int channels, int spatial,
        Span<float> mean, Span<float> variance)
    {
        double count = (double)num * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int n = 0; n < num; n++)
            {
                foreach (var v in x.Slice((n * channels + c) * spatial, spatial))
                    sum += v;
            }
            mean[c] = (float)(sum / count);
            double squares = 0;
            for (int n = 0; n < num; n++)
            {
                foreach (var v in x.Slice((n * channels + c) * spatial, spatial))
                {
                    double d = v - mean[c];
                    squares += d * d;
                }
            }
            variance[c] = (float)(squares / count);
        }
    }
}
