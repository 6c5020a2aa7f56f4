namespace CaffeNet.Runtime.Images;

/// <summary>
/// OpenCV's cv::resize with INTER_LINEAR on 8-bit images, done the way OpenCV does it so that Caffe
/// models see the pixels they were trained on: source positions from pixel centres, each weight
/// rounded to 11 fractional bits, an exact integer horizontal pass, then the vertical pass with
/// OpenCV's rounding.
/// </summary>
internal static class BilinearResize
{
    const int CoefBits = 11;
    const int One = 1 << CoefBits;

    /// <summary>
    /// Resizes to <paramref name="width"/> x <paramref name="height"/>. Source positions step by
    /// 1 / <paramref name="factorX"/> (and Y): by default destination size / source size, or the factors
    /// cv::resize was called with instead of a size (as blobFromImage's crop does).
    /// </summary>
    public static BgrImage Resize(BgrImage src, int width, int height, double? factorX = null, double? factorY = null)
    {
        if (width == src.Width && height == src.Height)
            return src;
        double sx = 1.0 / (factorX ?? (double)width / src.Width), sy = 1.0 / (factorY ?? (double)height / src.Height);
        var (xofs, alpha) = Coefficients(width, src.Width, sx, clampFraction: true);
        var (yofs, beta) = Coefficients(height, src.Height, sy, clampFraction: false);

        int rowLength = 3 * width;
        var r0 = new int[rowLength];
        var r1 = new int[rowLength];
        var dst = new byte[rowLength * height];
        for (int y = 0; y < height; y++)
        {
            // The two source rows, clamped at the edges (OpenCV reads row 0 twice above the image).
            Horizontal(src, Math.Clamp(yofs[y], 0, src.Height - 1), xofs, alpha, r0);
            Horizontal(src, Math.Clamp(yofs[y] + 1, 0, src.Height - 1), xofs, alpha, r1);
            Vertical(r0, r1, beta[2 * y], beta[2 * y + 1], dst.AsSpan(y * rowLength, rowLength));
        }
        return new BgrImage(width, height, dst);
    }

    /// <summary>
    /// Per destination position, the first source position and the two weights in fixed point.
    /// Horizontally a position left of the first pixel or right of the last takes that pixel alone
    /// (OpenCV sets the fraction to 0 there); vertically the fraction stays and the rows are clamped.
    /// </summary>
    static (int[] Offsets, short[] Weights) Coefficients(int size, int sourceSize, double scale, bool clampFraction)
    {
        var offsets = new int[size];
        var weights = new short[2 * size];
        for (int d = 0; d < size; d++)
        {
            float f = (float)((d + 0.5) * scale - 0.5);
            int s = (int)MathF.Floor(f);
            f -= s;
            if (clampFraction)
            {
                if (s < 0) (f, s) = (0, 0);
                if (s >= sourceSize - 1) (f, s) = (0, sourceSize - 1);
            }
            offsets[d] = s;
            weights[2 * d] = SaturateShort((1f - f) * One);
            weights[2 * d + 1] = SaturateShort(f * One);
        }
        return (offsets, weights);
    }

    /// <summary>OpenCV's saturate_cast&lt;short&gt;(float): round half to even, then clamp.</summary>
    static short SaturateShort(float v) => (short)Math.Clamp((int)MathF.Round(v, MidpointRounding.ToEven), short.MinValue, short.MaxValue);

    /// <summary>Source row <paramref name="y"/> resized horizontally into <paramref name="row"/>, as ints scaled by 2^11 (exact).</summary>
    static void Horizontal(BgrImage src, int y, int[] xofs, short[] alpha, int[] row)
    {
        var s = src.Pixels.AsSpan(3 * y * src.Width, 3 * src.Width);
        int last = src.Width - 1;
        for (int x = 0; x < xofs.Length; x++)
        {
            int sx = xofs[x], a0 = alpha[2 * x], a1 = alpha[2 * x + 1];
            int next = Math.Min(sx + 1, last);
            for (int c = 0; c < 3; c++)
                row[3 * x + c] = s[3 * sx + c] * a0 + s[3 * next + c] * a1;
        }
    }

    /// <summary>
    /// OpenCV's vertical pass to 8 bits, as its SIMD code computes it: each row's value loses 4 bits,
    /// is multiplied by its weight keeping the high 16 bits, and the sum is rounded by 2 bits (not the
    /// exact sum rounded by 22 bits). Checked against OpenCV 4.6 (tools/crosscheck-images.py): every
    /// value agrees, the tail of a row included, for row lengths not a multiple of 8 too.
    /// </summary>
    static void Vertical(int[] r0, int[] r1, short b0, short b1, Span<byte> dst)
    {
        for (int x = 0; x < dst.Length; x++)
        {
            int v = ((short)(r0[x] >> 4) * b0 >> 16) + ((short)(r1[x] >> 4) * b1 >> 16);
            dst[x] = (byte)Math.Clamp((v + 2) >> 2, 0, 255);
        }
    }
}
