using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// 3x3 depthwise convolution (stride 1 or 2, any padding) of one block of 8 NCHW channel planes,
/// AVX2. Input rows are transposed, 8 channels per pixel, into a small ring of zero-bordered row
/// slots as they are first needed; each output pixel of the block is then 9 FMAs on whole vectors
/// with no border cases and no shuffles, whatever the width or stride; each output row is
/// transposed back into the 8 planes. The transposes are 8x8 in registers, so for small planes and
/// stride 2 this beats the plane-wise kernels, whose cost per row does not shrink with the row.
/// </summary>
static unsafe class DepthwiseConvBlockRing
{
    const int C = ChannelBlocked.Block;
    // Output row y reads padded rows s y .. s y + 2: at most 3 slots, and the next one can be filled
    // without evicting them.
    const int Slots = 4;

    // Output rows are made into a band buffer of about this many pixels (16 KB), then transposed
    // back all at once: a band is contiguous in each plane, so only its end can be a partial vector.
    const int BandPixels = 512;

    /// <summary>
    /// Output planes of channels c0 .. c0 + lanes - 1 (lanes 1..8): input and output point at channel
    /// c0's planes, weights at its 9 taps, bias at its bias or null.
    /// </summary>
    [SkipLocalsInit]
    public static void Block(float* input, float* output, int lanes, int height, int width, float* weights, float* bias,
        ConvWindow window, float lo, float hi)
    {
        int oh = window.OutputHeight(height), ow = window.OutputWidth(width);
        int stride = window.StrideH, padH = window.PadH, padW = window.PadW;
        // A slot: padW zero pixels, the row, then zeros: the row's last chunk of 8 pixels is stored
        // whole (zeros past the row), and the padding on the right may reach further.
        int chunked = RoundUp(width);
        int slotWidth = (padW + Math.Max(chunked, width + padW)) * C;
        int bandRows = Math.Clamp(BandPixels / ow, 1, oh);
        float* ring = Scratch.BlockedTile((Slots + 1) * slotWidth + RoundUp(bandRows * ow) * C);
        float* zeroRow = ring + Slots * slotWidth;
        float* band = zeroRow + slotWidth;
        new Span<float>(zeroRow, slotWidth).Clear();
        for (int s = 0; s < Slots; s++)
        {
            float* slot = ring + s * slotWidth;
            new Span<float>(slot, padW * C).Clear();
            new Span<float>(slot + (padW + chunked) * C, slotWidth - (padW + chunked) * C).Clear();
        }

        var w = stackalloc Vector256<float>[12];
        Weights(weights, bias, lanes, w);
        w[10] = Vector256.Create(lo);
        w[11] = Vector256.Create(hi);

        nint inPlane = (nint)height * width, outPlane = (nint)oh * ow;
        var tags = stackalloc int[Slots];
        for (int s = 0; s < Slots; s++)
            tags[s] = -1;
        for (int y0 = 0; y0 < oh; y0 += bandRows)
        {
            int y1 = Math.Min(oh, y0 + bandRows);
            for (int oy = y0; oy < y1; oy++)
            {
                int q = oy * stride;
                float* r0 = Row(q), r1 = Row(q + 1), r2 = Row(q + 2);
                Interior(r0, r1, r2, stride * C, ow, w, band + (nint)(oy - y0) * ow * C);
            }
            ChannelBlocked.Scatter(band, (y1 - y0) * ow, output + (nint)y0 * ow, outPlane, lanes, exact: y1 == oh);
        }

        // Padded row q: the zero row in the padding, else its slot, transposed in if not there yet.
        float* Row(int q)
        {
            int i = q - padH;
            if ((uint)i >= (uint)height)
                return zeroRow;
            int s = q & (Slots - 1);
            float* slot = ring + s * slotWidth;
            if (tags[s] != q)
            {
                tags[s] = q;
                ChannelBlocked.Gather(input + (nint)i * width, inPlane, lanes, width, slot + padW * C);
            }
            return slot;
        }
    }

    static int RoundUp(int n) => (n + C - 1) / C * C;

    /// <summary>The block's weights as 9 vectors of 8 channels (tap-major), then its bias; zeros past the last channel.</summary>
    static void Weights(float* weights, float* bias, int lanes, Vector256<float>* w)
    {
        if (lanes == C)
        {
            var taps = Vector256.Create(0, 9, 18, 27, 36, 45, 54, 63);
            for (int t = 0; t < 9; t++)
                w[t] = Avx2.GatherVector256(weights + t, taps, 4);
            w[9] = bias != null ? Vector256.Load(bias) : default;
            return;
        }
        float* lanesOf = (float*)w;
        for (int t = 0; t < 9; t++)
            for (int l = 0; l < C; l++)
                lanesOf[t * C + l] = l < lanes ? weights[l * 9 + t] : 0f;
        for (int l = 0; l < C; l++)
            lanesOf[9 * C + l] = l < lanes && bias != null ? bias[l] : 0f;
    }

    /// <summary>
    /// One output row of a block: pixel x reads r0, r1, r2 at x * step + 0, 8, 16. Two pixels per step,
    /// so two FMA chains run side by side.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Interior(float* r0, float* r1, float* r2, int step, int count, Vector256<float>* w, float* o)
    {
        var w0 = w[0]; var w1 = w[1]; var w2 = w[2]; var w3 = w[3]; var w4 = w[4];
        var w5 = w[5]; var w6 = w[6]; var w7 = w[7]; var w8 = w[8];
        int i = 0;
        for (; i + 2 <= count; i += 2)
        {
            nint p = (nint)i * step, q = p + step;
            var a = Vector256.FusedMultiplyAdd(w0, Vector256.Load(r0 + p), w[9]);
            var b = Vector256.FusedMultiplyAdd(w0, Vector256.Load(r0 + q), w[9]);
            a = Vector256.FusedMultiplyAdd(w1, Vector256.Load(r0 + p + C), a);
            b = Vector256.FusedMultiplyAdd(w1, Vector256.Load(r0 + q + C), b);
            a = Vector256.FusedMultiplyAdd(w2, Vector256.Load(r0 + p + 2 * C), a);
            b = Vector256.FusedMultiplyAdd(w2, Vector256.Load(r0 + q + 2 * C), b);
            a = Vector256.FusedMultiplyAdd(w3, Vector256.Load(r1 + p), a);
            b = Vector256.FusedMultiplyAdd(w3, Vector256.Load(r1 + q), b);
            a = Vector256.FusedMultiplyAdd(w4, Vector256.Load(r1 + p + C), a);
            b = Vector256.FusedMultiplyAdd(w4, Vector256.Load(r1 + q + C), b);
            a = Vector256.FusedMultiplyAdd(w5, Vector256.Load(r1 + p + 2 * C), a);
            b = Vector256.FusedMultiplyAdd(w5, Vector256.Load(r1 + q + 2 * C), b);
            a = Vector256.FusedMultiplyAdd(w6, Vector256.Load(r2 + p), a);
            b = Vector256.FusedMultiplyAdd(w6, Vector256.Load(r2 + q), b);
            a = Vector256.FusedMultiplyAdd(w7, Vector256.Load(r2 + p + C), a);
            b = Vector256.FusedMultiplyAdd(w7, Vector256.Load(r2 + q + C), b);
            a = Vector256.FusedMultiplyAdd(w8, Vector256.Load(r2 + p + 2 * C), a);
            b = Vector256.FusedMultiplyAdd(w8, Vector256.Load(r2 + q + 2 * C), b);
            Vector256.Store(Vector256.MinNative(Vector256.MaxNative(a, w[10]), w[11]), o + (nint)i * C);
            Vector256.Store(Vector256.MinNative(Vector256.MaxNative(b, w[10]), w[11]), o + (nint)(i + 1) * C);
        }
        if (i < count)
        {
            nint p = (nint)i * step;
            var a = Vector256.FusedMultiplyAdd(w0, Vector256.Load(r0 + p), w[9]);
            a = Vector256.FusedMultiplyAdd(w1, Vector256.Load(r0 + p + C), a);
            a = Vector256.FusedMultiplyAdd(w2, Vector256.Load(r0 + p + 2 * C), a);
            a = Vector256.FusedMultiplyAdd(w3, Vector256.Load(r1 + p), a);
            a = Vector256.FusedMultiplyAdd(w4, Vector256.Load(r1 + p + C), a);
            a = Vector256.FusedMultiplyAdd(w5, Vector256.Load(r1 + p + 2 * C), a);
            a = Vector256.FusedMultiplyAdd(w6, Vector256.Load(r2 + p), a);
            a = Vector256.FusedMultiplyAdd(w7, Vector256.Load(r2 + p + C), a);
            a = Vector256.FusedMultiplyAdd(w8, Vector256.Load(r2 + p + 2 * C), a);
            Vector256.Store(Vector256.MinNative(Vector256.MaxNative(a, w[10]), w[11]), o + (nint)i * C);
        }
    }
}
