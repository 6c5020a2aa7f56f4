using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime;

/// <summary>
/// Caffe's im2col layout for 2-D convolution: row (c·kh + i)·kw + j of the column matrix holds,
/// for every output position, the input pixel that kernel tap (i, j) of channel c sees there
/// (0 in the padding). A convolution is then weights[outC, C·kh·kw] · columns[C·kh·kw, outH·outW].
/// </summary>
internal static class Im2Col
{
    /// <summary>Fills <paramref name="columns"/> (C·kh·kw × outH·outW) from one C×H×W image.</summary>
    public static void Forward(ReadOnlySpan<float> image, int channels, int height, int width,
        in ConvolutionParams p, int outHeight, int outWidth, Span<float> columns) =>
        Forward(image, channels, height, width, p, outWidth, 0, outHeight, columns);

    /// <summary>
    /// The columns of output rows [<paramref name="firstRow"/>, firstRow + <paramref name="rows"/>) only:
    /// C·kh·kw × rows·outW, for a convolution done a strip of output rows at a time.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> image, int channels, int height, int width,
        in ConvolutionParams p, int outWidth, int firstRow, int rows, Span<float> columns)
    {
        int plane = rows * outWidth;
        int row = 0;
        for (int c = 0; c < channels; c++)
        {
            var channel = image.Slice(c * height * width, height * width);
            for (int i = 0; i < p.KernelH; i++)
            {
                for (int j = 0; j < p.KernelW; j++, row++)
                {
                    var dst = columns.Slice(row * plane, plane);
                    // Outputs [first, end) of a row see columns inside the image; the rest see padding.
                    int offset = j * p.DilationW - p.PadW;
                    int first = Math.Min(outWidth, offset >= 0 ? 0 : (-offset + p.StrideW - 1) / p.StrideW);
                    int end = Math.Max(first, offset >= width ? 0 : Math.Min(outWidth, (width - 1 - offset) / p.StrideW + 1));
                    for (int r = 0; r < rows; r++)
                    {
                        int ih = (firstRow + r) * p.StrideH - p.PadH + i * p.DilationH;
                        var dstRow = dst.Slice(r * outWidth, outWidth);
                        if ((uint)ih >= (uint)height)
                        {
                            dstRow.Clear();
                            continue;
                        }
                        dstRow[..first].Clear();
                        dstRow[end..].Clear();
                        var src = channel.Slice(ih * width);
                        if (p.StrideW == 1)
                            src.Slice(first + offset, end - first).CopyTo(dstRow[first..end]);
                        else
                        {
                            for (int ow = first; ow < end; ow++)
                                dstRow[ow] = src[ow * p.StrideW + offset];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// The adjoint of <c>Forward</c>: adds every column entry back onto the pixel it came
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
