using CaffeNet.Graph;

namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// SSD's Normalize: x / sqrt(sum x^2 + eps) over a whole sample (across spatial) or over the
/// channels at each position, times scale (one value, or one per channel). Sums are kept in
/// double; the output may be the input (in place).
/// </summary>
internal static class Normalize
{
    public static int ScratchLength(TensorShape input, NormalizeAttributes a) =>
        a.AcrossSpatial ? 1 : input.Count / Math.Max(1, input[0] * input[1]);

    /// <summary><paramref name="norms"/> is scratch of <see cref="ScratchLength"/> values.</summary>
    public static void Forward(in Tensor input, ReadOnlySpan<float> scale, NormalizeAttributes a, Span<double> norms, Tensor output)
    {
        Require.Shape(output, input.Shape, "Normalize output");
        int num = input.Shape[0], channels = input.Shape[1];
        int spatial = input.Count / Math.Max(1, num * channels);
        Require.Length(scale, a.ChannelShared ? 1 : channels, "Normalize scale");
        int dim = channels * spatial;
        norms = norms[..ScratchLength(input.Shape, a)];
        for (int n = 0; n < num; n++)
        {
            var x = input.Span.Slice(n * dim, dim);
            var y = output.Span.Slice(n * dim, dim);
            norms.Clear();
            if (a.AcrossSpatial)
            {
                foreach (float v in x)
                    norms[0] += (double)v * v;
            }
            else
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    var plane = x.Slice(ch * spatial, spatial);
                    for (int s = 0; s < spatial; s++)
                        norms[s] += (double)plane[s] * plane[s];
                }
            }
            for (int i = 0; i < norms.Length; i++)
                norms[i] = Math.Sqrt(norms[i] + a.Eps);
            for (int ch = 0; ch < channels; ch++)
            {
                double factor = scale[a.ChannelShared ? 0 : ch];
                int start = ch * spatial;
                for (int s = 0; s < spatial; s++)
                    y[start + s] = (float)(x[start + s] / norms[a.AcrossSpatial ? 0 : s] * factor);
            }
        }
    }
}
