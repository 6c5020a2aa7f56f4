namespace CaffeNet.Runtime.Kernels;

internal static class Interp
{
    /// <summary>
    /// The PSPNet fork's caffe_cpu_interp2: each plane, less <paramref name="cropBegin"/> rows and
    /// columns at the start and <paramref name="cropEnd"/> at the end, resized bilinearly to the
    /// output's size with the corners aligned (output pixel i samples input (in - 1) / (out - 1) * i,
    /// that ratio computed in float as the fork does).
    /// </summary>
    public static void Forward(in Tensor input, int cropBegin, int cropEnd, Tensor output)
    {
        var s = input.Shape;
        Require.Model(output.Rank == 4 && output.Shape[0] == s[0] && output.Shape[1] == s[1], $"Interp output {output.Shape} does not match input {s}");
        int planes = s[0] * s[1], height = s[2], width = s[3];
        int inH = height - cropBegin - cropEnd, inW = width - cropBegin - cropEnd;
        int outH = output.Shape[2], outW = output.Shape[3];
        Require.Model(inH > 0 && inW > 0, $"Interp: cropping {cropBegin} and {cropEnd} leaves nothing of {s}");
        var src = input.Span;
        var dst = output.Span;
        float ratioH = outH > 1 ? (float)(inH - 1) / (outH - 1) : 0f;
        float ratioW = outW > 1 ? (float)(inW - 1) / (outW - 1) : 0f;
        bool copy = inH == outH && inW == outW;
        for (int y = 0; y < outH; y++)
        {
            float yr = copy ? y : ratioH * y;
            int y0 = (int)yr;
            int dy = y0 < inH - 1 ? width : 0;
            float ly1 = yr - y0, ly0 = 1 - ly1;
            for (int x = 0; x < outW; x++)
            {
                float xr = copy ? x : ratioW * x;
                int x0 = (int)xr;
                int dx = x0 < inW - 1 ? 1 : 0;
                float lx1 = xr - x0, lx0 = 1 - lx1;
                int from = (cropBegin + y0) * width + cropBegin + x0;
                int to = y * outW + x;
                for (int p = 0; p < planes; p++)
                {
                    var plane = src.Slice(p * height * width);
                    dst[p * outH * outW + to] = copy
                        ? plane[from]
                        : ly0 * (lx0 * plane[from] + lx1 * plane[from + dx]) + ly1 * (lx0 * plane[from + dy] + lx1 * plane[from + dy + dx]);
                }
            }
        }
    }
}
