using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime;

/// <summary>
/// Caffe's im2col layout for 2-D convolution: row (c·kh + i)·kw + j of the column matrix holds,
/// for every output position, the input pixel that kernel tap (i, j) of channel c sees there
/// (0 in the padding). A convolution is then weights[outC, C·kh·kw] · columns[C·kh·kw, outH·outW].
/// </summary>
public static class Im2Col
{
    /// <summary>Fills <paramref name="columns"/> (C·kh·kw × outH·outW) from one C×H×W image.</summary>
    public static void Forward(ReadOnlySpan<float> image, int channels, int height, int width,
        in ConvolutionParams p, int outHeight, int outWidth, Span<float> columns)
    {
        int plane = outHeight * outWidth;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            var channel = image.Slice(c * height * width, height * width);
            for (int i = 0; i < p.KernelH; i++)
            {
                for (int j = 0; j < p.KernelW; j++, row++)
                {
                    var dst = columns.Slice(row * plane, plane);
                    for (int oh = 0; oh < outHeight; oh++)
                    {
                        int ih = oh * p.StrideH - p.PadH + i * p.DilationH;
                        var dstRow = dst.Slice(oh * outWidth, outWidth);
                        if ((uint)ih >= (uint)height)
                        {
                            dstRow.Clear();
                            continue;
                        }
                        for (int ow = 0; ow < outWidth; ow++)
                        {
                            int iw = ow * p.StrideW - p.PadW + j * p.DilationW;
                            dstRow[ow] = (uint)iw < (uint)width ? channel[ih * width + iw] : 0f;
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="Forward"/>: adds every column entry back onto the pixel it came
    /// from in a C×H×W image (which the caller zeroes first). Deconvolution is built on it.
    /// </summary>
    public static void Backward(ReadOnlySpan<float> columns, int channels, int height, int width,
        in ConvolutionParams p, int outHeight, int outWidth, Span<float> image)
    {
        int plane = outHeight * outWidth;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            var channel = image.Slice(c * height * width, height * width);
            for (int i = 0; i < p.KernelH; i++)
            {
                for (int j = 0; j < p.KernelW; j++, row++)
                {
                    var src = columns.Slice(row * plane, plane);
                    for (int oh = 0; oh < outHeight; oh++)
                    {
                        int ih = oh * p.StrideH - p.PadH + i * p.DilationH;
                        if ((uint)ih >= (uint)height)
                            continue;
                        for (int ow = 0; ow < outWidth; ow++)
                        {
                            int iw = ow * p.StrideW - p.PadW + j * p.DilationW;
                            if ((uint)iw < (uint)width)
                                channel[ih * width + iw] += src[oh * outWidth + ow];
                        }
                    }
                }
            }
        }
    }
}
