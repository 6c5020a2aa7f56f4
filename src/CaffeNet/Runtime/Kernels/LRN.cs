namespace CaffeNet.Runtime.Kernels;

internal enum LRNRegion { AcrossChannels, WithinChannel }

internal readonly record struct LRNParams(
    int LocalSize = 5, float Alpha = 1, float Beta = 0.75f, float K = 1,
    LRNRegion Region = LRNRegion.AcrossChannels)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public LRNParams() : this(LocalSize: 5) { }
}

/// <summary>
/// Caffe's local response normalisation, out = x · scale^−β, on NxCxHxW input.
/// ACROSS_CHANNELS: scale = k + α/n · Σ x² over channels c − (n−1)/2 .. c + (n−1)/2 (clipped).
/// WITHIN_CHANNEL: scale = 1 + α/n² · Σ x² over the n×n square around the pixel, zero-padded;
/// Caffe builds it from AVE pooling whose window always counts all n² places, and uses 1, not k.
/// </summary>
internal static class LRN
{
    public static void Forward(in Tensor input, in LRNParams p, Tensor output)
    {
        Require.Model(input.Rank == 4, $"LRN: input must be NxCxHxW, got {input.Shape}");
        Require.Model(p.LocalSize > 0 && p.LocalSize % 2 == 1, $"LRN: local_size {p.LocalSize} must be odd and positive");
        Require.Shape(output, input.Shape, "LRN output");
        Require.Model(!output.SameStorage(input), "LRN: cannot run in place");
        int num = input.Shape[0], channels = input.Shape[1];
        int height = input.Shape[2], width = input.Shape[3];
        int plane = height * width;
        int half = (p.LocalSize - 1) / 2;
        var src = input.Span;
        var dst = output.Span;
        for (int n = 0; n < num; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                var x = src.Slice((n * channels + c) * plane, plane);
                var y = dst.Slice((n * channels + c) * plane, plane);
                if (p.Region == LRNRegion.AcrossChannels)
                {
                    int c0 = Math.Max(c - half, 0), c1 = Math.Min(c + half, channels - 1);
                    float alphaOverN = p.Alpha / p.LocalSize;
                    for (int i = 0; i < plane; i++)
                    {
                        float sum = 0;
                        for (int k = c0; k <= c1; k++)
                        {
                            float v = src[(n * channels + k) * plane + i];
                            sum += v * v;
                        }
                        y[i] = x[i] * MathF.Pow(p.K + alphaOverN * sum, -p.Beta);
                    }
                }
                else
                {
                    float area = p.LocalSize * p.LocalSize;
                    for (int h = 0; h < height; h++)
                    {
                        for (int w = 0; w < width; w++)
                        {
                            float sum = 0;
                            for (int yy = Math.Max(h - half, 0); yy <= Math.Min(h + half, height - 1); yy++)
                            {
                                for (int xx = Math.Max(w - half, 0); xx <= Math.Min(w + half, width - 1); xx++)
                                {
                                    float v = x[yy * width + xx];
                                    sum += v * v;
                                }
                            }
                            y[h * width + w] = x[h * width + w] * MathF.Pow(1 + p.Alpha * (sum / area), -p.Beta);
                        }
                    }
                }
            }
        }
    }
}
