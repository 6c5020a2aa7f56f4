namespace CaffeNet.Runtime.Kernels;

internal enum PoolingMethod { Max, Ave }

/// <summary>
/// A 2-D pooling window. <paramref name="Global"/> pools each whole plane (the kernel becomes
/// H×W). <paramref name="CeilMode"/> is Caffe's default rounding of the output size; false is
/// round_mode FLOOR.
/// </summary>
internal readonly record struct PoolingParams(
    PoolingMethod Method, int KernelH, int KernelW,
    int StrideH = 1, int StrideW = 1, int PadH = 0, int PadW = 0,
    bool Global = false, bool CeilMode = true);

/// <summary>
/// Caffe's Pooling. Output size ⌈(H + 2p − k) / s⌉ + 1, less one when the last window would
/// start at or beyond H + p (so no window starts inside the bottom padding alone). MAX takes the
/// largest value of the window clipped to the image. AVE divides by the window clipped to the
/// padded image [−p, H + p), not to the image: padding counts, but not the part of a window that
/// hangs past the bottom/right padding.
/// </summary>
internal static class Pooling
{
    public static TensorShape OutputShape(TensorShape input, in PoolingParams p)
    {
        var (h, w) = OutputSize(input, p);
        return [input[0], input[1], h, w];
    }

    /// <summary>The output's height and width, checked, without building a shape.</summary>
    internal static (int Height, int Width) OutputSize(TensorShape input, in PoolingParams p)
    {
        Require.Model(input.Rank == 4, $"Pooling: input must be NxCxHxW, got {input}");
        var w = Window(input, p);
        Require.Model(w.KernelH > 0 && w.KernelW > 0, $"Pooling: kernel {w.KernelH}x{w.KernelW} must be positive");
        Require.Model(w.StrideH > 0 && w.StrideW > 0, $"Pooling: stride {w.StrideH}x{w.StrideW} must be positive");
        Require.Model(w.PadH >= 0 && w.PadW >= 0, $"Pooling: pad {w.PadH}x{w.PadW} must not be negative");
        Require.Model(w.PadH < w.KernelH && w.PadW < w.KernelW,
            $"Pooling: pad {w.PadH}x{w.PadW} must be smaller than the kernel {w.KernelH}x{w.KernelW}");
        Require.Model(!p.Global || (p.PadH == 0 && p.PadW == 0 && p.StrideH == 1 && p.StrideW == 1),
            "Pooling: global pooling takes no pad and stride 1");
        int pooledH = PooledSize(input[2], w.KernelH, w.StrideH, w.PadH, p.CeilMode);
        int pooledW = PooledSize(input[3], w.KernelW, w.StrideW, w.PadW, p.CeilMode);
        Require.Model(pooledH > 0 && pooledW > 0,
            $"Pooling: kernel {w.KernelH}x{w.KernelW} leaves no output on input {input} with pad {w.PadH}x{w.PadW}");
        return (pooledH, pooledW);
    }

    // In float, as Caffe: a kernel a little larger than the input still gives one clipped window.
    static int PooledSize(int size, int kernel, int stride, int pad, bool ceil)
    {
        float steps = (float)(size + 2 * pad - kernel) / stride;
        int pooled = (int)(ceil ? MathF.Ceiling(steps) : MathF.Floor(steps)) + 1;
        // Caffe drops a last window that would start inside the padding only.
        if (pad > 0 && (pooled - 1) * stride >= size + pad)
            pooled--;
        return pooled;
    }

    /// <summary>
    /// <paramref name="mask"/>, for MAX only, is Caffe's optional second output: the flat index
    /// y·W + x within its plane of each maximum (−1 for an empty window); pass default to skip it.
    /// </summary>
    public static void Forward(in Tensor input, in PoolingParams p, Tensor output, Tensor mask = default)
    {
        // Checked without building the shape: this runs on every forward.
        var (outH, outW) = OutputSize(input.Shape, p);
        if (output.Rank != 4 || output.Shape[0] != input.Shape[0] || output.Shape[1] != input.Shape[1] || output.Shape[2] != outH || output.Shape[3] != outW)
            throw new ArgumentException($"Pooling output has shape {output.Shape}, expected {OutputShape(input.Shape, p)}");
        bool withMask = mask.HasStorage;
        if (withMask)
        {
            Require.Model(p.Method == PoolingMethod.Max, "Pooling: only MAX pooling has a second (mask) output");
            Require.Shape(mask, output.Shape, "Pooling mask");
        }
        var w = Window(input.Shape, p);
        int height = input.Shape[2], width = input.Shape[3];
        int outHeight = output.Shape[2], outWidth = output.Shape[3];
        int planes = input.Shape[0] * input.Shape[1];
        var src = input.Span;
        var dst = output.Span;
        var maskSpan = withMask ? mask.Span : default;
        for (int plane = 0; plane < planes; plane++)
        {
            var image = src.Slice(plane * height * width, height * width);
            int outBase = plane * outHeight * outWidth;
            for (int oy = 0; oy < outHeight; oy++)
            {
                int y0 = oy * w.StrideH - w.PadH;
                for (int ox = 0; ox < outWidth; ox++)
                {
                    int x0 = ox * w.StrideW - w.PadW;
                    int o = outBase + oy * outWidth + ox;
                    if (p.Method == PoolingMethod.Max)
                    {
                        var (value, index) = Max(image, width,
                            Math.Max(y0, 0), Math.Min(y0 + w.KernelH, height),
                            Math.Max(x0, 0), Math.Min(x0 + w.KernelW, width));
                        dst[o] = value;
                        if (withMask)
                            maskSpan[o] = index;
                    }
                    else
                    {
                        int y1 = Math.Min(y0 + w.KernelH, height + w.PadH);
                        int x1 = Math.Min(x0 + w.KernelW, width + w.PadW);
                        int divisor = (y1 - y0) * (x1 - x0);
                        float sum = 0;
                        for (int y = Math.Max(y0, 0); y < Math.Min(y1, height); y++)
                        {
                            for (int x = Math.Max(x0, 0); x < Math.Min(x1, width); x++)
                                sum += image[y * width + x];
                        }
                        dst[o] = sum / divisor;
                    }
                }
            }
        }
    }

    // Caffe starts from −FLT_MAX and keeps the first strict maximum.
    static (float Value, int Index) Max(ReadOnlySpan<float> image, int width, int yStart, int yEnd, int xStart, int xEnd)
    {
        float best = -float.MaxValue;
        int index = -1;
        for (int y = yStart; y < yEnd; y++)
        {
            for (int x = xStart; x < xEnd; x++)
            {
                float v = image[y * width + x];
                if (v > best)
                {
                    best = v;
                    index = y * width + x;
                }
            }
        }
        return (best, index);
    }

    static PoolingParams Window(TensorShape input, in PoolingParams p) =>
        p.Global ? p with { KernelH = input[2], KernelW = input[3] } : p;
}
