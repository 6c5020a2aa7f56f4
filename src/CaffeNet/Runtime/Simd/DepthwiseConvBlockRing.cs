using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// 3x3 depthwise convolution (stride 1 or 2, any padding) of one block of 8 NCHW channel planes,
/// AVX2. Input rows are transposed, 8 channels per pixel, into zero-bordered rows (a small plane
/// all at once, a bigger one through a ring of row slots as rows are first needed); each output
/// pixel of the block is then 9 FMAs on whole vectors with no border cases and no shuffles, whatever
/// the width or stride, and the outputs are transposed back into the 8 planes. The transposes are
/// 8x8 in registers, so at stride 2 and on small planes this beats the plane-wise kernels, whose cost
/// per row does not shrink with the row and which split stride-2 rows into even and odd columns.
/// </summary>
static unsafe class DepthwiseConvBlockRing
{
    const int C = ChannelBlocked.Block;
    // A pair of output rows reads at most 5 consecutive input rows (stride 2), in order; 8 slots keep
    // them all, and the rows of the next pair can come in without evicting them.
    const int Slots = 8;
    // Planes whose transposed rows, padding included, take at most this many floats (48 KB) are transposed whole.
    const int WholeFloats = 12 * 1024;

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
        var w = stackalloc Vector256<float>[12];
        Weights(weights, bias, lanes, w);
        w[10] = Vector256.Create(lo);
        w[11] = Vector256.Create(hi);
        var g = GeometryOf(lanes, height, width, window);
        if (g.IsSmall)
            Whole(input, output, g, w);
        else
            Ring(input, output, g, w);
    }

    /// <summary>The floats of <see cref="Scratch.BlockedTile"/> a block of planes of this size asks for.</summary>
    internal static long ScratchFloats(int height, int width, ConvWindow window)
    {
        var g = GeometryOf(ChannelBlocked.Block, height, width, window);
        return g.IsSmall ? WholeTileFloats(g) : RingFloats(g, BandRows(g));
    }

    static Geometry GeometryOf(int lanes, int height, int width, ConvWindow window)
    {
        // A transposed row: padW zero pixels, the row, then zeros: the row's last chunk of 8 pixels is
        // stored whole (zeros past the row), and the padding on the right may reach further.
        var g = new Geometry
        {
            Lanes = lanes, Height = height, Width = width, OutHeight = window.OutputHeight(height),
            OutWidth = window.OutputWidth(width), Stride = window.StrideH, PadH = window.PadH, PadW = window.PadW,
            Chunked = RoundUp(width),
        };
        g.RowFloats = (g.PadW + Math.Max(g.Chunked, width + g.PadW)) * C;
        return g;
    }

    /// <summary>Whole plane: its padded rows, the outputs' band and one offset per output pixel.</summary>
    static int WholeTileFloats(in Geometry g) => WholeRows(g) * g.RowFloats + RoundUp(g.OutHeight * g.OutWidth) * C + g.OutHeight * g.OutWidth;

    // Caffe's rounding lets a stride-2 window hang one row past an unpadded 2-row input: that row reads zeros too.
    static int WholeRows(in Geometry g) => Math.Max(g.Height + 2 * g.PadH, (g.OutHeight - 1) * g.Stride + 3);

    /// <summary>Ring: the slots, a zero row, and the band of output rows.</summary>
    static int RingFloats(in Geometry g, int bandRows) => (Slots + 1) * g.RowFloats + RoundUp(bandRows * g.OutWidth) * C;

    static int BandRows(in Geometry g) => Math.Clamp(BandPixels / g.OutWidth, 1, g.OutHeight);

    struct Geometry
    {
        public int Lanes, Height, Width, OutHeight, OutWidth, Stride, PadH, PadW, Chunked, RowFloats;

        /// <summary>Small enough to transpose whole (<see cref="WholeFloats"/>).</summary>
        public readonly bool IsSmall => (Height + 2 * PadH + 1) * RowFloats <= WholeFloats;

        /// <summary>Zeros the padding of a transposed row; the row itself is transposed in later.</summary>
        public readonly void ClearBorders(float* row)
        {
            Clear(row, PadW * C);
            Clear(row + (PadW + Chunked) * C, RowFloats - (PadW + Chunked) * C);
        }
    }

    /// <summary>
    /// A small plane: all of it transposed up front, with its padding rows, so every output pixel sits
    /// at a fixed offset from its first tap and the outputs run as one flat loop, whatever the rows' length.
    /// </summary>
    static void Whole(float* input, float* output, in Geometry g, Vector256<float>* w)
    {
        int rows = WholeRows(g), pixels = g.OutHeight * g.OutWidth;
        float* tile = Scratch.BlockedTile(WholeTileFloats(g));
        float* band = tile + rows * g.RowFloats;
        int* offsets = (int*)(band + RoundUp(pixels) * C);
        Clear(tile, g.PadH * g.RowFloats);
        Clear(tile + (g.PadH + g.Height) * g.RowFloats, (rows - g.PadH - g.Height) * g.RowFloats);
        nint inPlane = (nint)g.Height * g.Width;
        for (int i = 0; i < g.Height; i++)
        {
            float* row = tile + (g.PadH + i) * g.RowFloats;
            g.ClearBorders(row);
            ChannelBlocked.Gather(input + (nint)i * g.Width, inPlane, g.Lanes, g.Width, row + g.PadW * C);
        }
        int k = 0;
        for (int y = 0; y < g.OutHeight; y++)
            for (int x = 0; x < g.OutWidth; x++)
                offsets[k++] = y * g.Stride * g.RowFloats + x * g.Stride * C;
        Flat(tile, offsets, pixels, g.RowFloats, w, band);
        ChannelBlocked.Scatter(band, pixels, output, pixels, g.Lanes, exact: true);
    }

    /// <summary>
    /// A bigger plane: rows are transposed into a ring of slots as they are first needed, output rows
    /// made in pairs into a band of about <see cref="BandPixels"/> and transposed back band by band.
    /// </summary>
    static void Ring(float* input, float* output, in Geometry g, Vector256<float>* w)
    {
        int oh = g.OutHeight, ow = g.OutWidth, stride = g.Stride, padH = g.PadH, height = g.Height;
        int bandRows = BandRows(g), rowFloats = g.RowFloats;
        float* ring = Scratch.BlockedTile(RingFloats(g, bandRows));
        float* zeroRow = ring + Slots * rowFloats;
        float* band = zeroRow + rowFloats;
        Clear(zeroRow, rowFloats);
        for (int s = 0; s < Slots; s++)
            g.ClearBorders(ring + s * rowFloats);
        nint inPlane = (nint)height * g.Width, outPlane = (nint)oh * ow;
        var tags = stackalloc int[Slots];
        for (int s = 0; s < Slots; s++)
            tags[s] = -1;
        for (int y0 = 0; y0 < oh; y0 += bandRows)
        {
            int y1 = Math.Min(oh, y0 + bandRows);
            int oy = y0;
            for (; oy + 2 <= y1; oy += 2)
            {
                int q = oy * stride;
                // The rows of the pair, in the order they are first needed (so none is evicted early).
                float* a0 = Row(q, in g), a1 = Row(q + 1, in g), a2 = Row(q + 2, in g);
                float* b0 = stride == 1 ? a1 : a2;
                float* b1 = stride == 1 ? a2 : Row(q + 3, in g);
                float* b2 = Row(q + stride + 2, in g);
                float* o = band + (nint)(oy - y0) * ow * C;
                Pair(a0, a1, a2, b0, b1, b2, stride * C, ow, w, o, o + ow * C);
            }
            if (oy < y1)
            {
                int q = oy * stride;
                float* a0 = Row(q, in g), a1 = Row(q + 1, in g), a2 = Row(q + 2, in g);
                Pair(a0, a1, a2, a0, a1, a2, stride * C, ow, w, band + (nint)(oy - y0) * ow * C, null);
            }
            ChannelBlocked.Scatter(band, (y1 - y0) * ow, output + (nint)y0 * ow, outPlane, g.Lanes, exact: y1 == oh);
        }

        // Padded row q: the zero row in the padding, else its slot, transposed in if not there yet.
        float* Row(int q, in Geometry g)
        {
            int i = q - padH;
            if ((uint)i >= (uint)height)
                return zeroRow;
            int s = i & (Slots - 1);
            float* slot = ring + s * rowFloats;
            if (tags[s] != i)
            {
                tags[s] = i;
                ChannelBlocked.Gather(input + (nint)i * g.Width, inPlane, g.Lanes, g.Width, slot + g.PadW * C);
            }
            return slot;
        }
    }

    static void Clear(float* p, int floats)
    {
        for (int i = 0; i < floats; i += C)
            Vector256.Store(Vector256<float>.Zero, p + i);
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
    /// Output pixels 0 .. count - 1 of a whole transposed plane: pixel k's taps start at tile + offsets[k]
    /// and step 8 floats across and <paramref name="rowFloats"/> down. Two pixels per step; the taps
    /// are summed in the same order as in <see cref="Pixel"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Flat(float* tile, int* offsets, int count, int rowFloats, Vector256<float>* w, float* o)
    {
        var w0 = w[0]; var w1 = w[1]; var w2 = w[2]; var w3 = w[3]; var w4 = w[4];
        var w5 = w[5]; var w6 = w[6]; var w7 = w[7]; var w8 = w[8];
        int i = 0;
        for (; i + 2 <= count; i += 2)
        {
            float* p0 = tile + offsets[i], q0 = tile + offsets[i + 1];
            float* p1 = p0 + rowFloats, q1 = q0 + rowFloats;
            float* p2 = p1 + rowFloats, q2 = q1 + rowFloats;
            var a = Vector256.FusedMultiplyAdd(w0, Vector256.Load(p0), w[9]);
            var b = Vector256.FusedMultiplyAdd(w0, Vector256.Load(q0), w[9]);
            a = Vector256.FusedMultiplyAdd(w1, Vector256.Load(p0 + C), a);
            b = Vector256.FusedMultiplyAdd(w1, Vector256.Load(q0 + C), b);
            a = Vector256.FusedMultiplyAdd(w2, Vector256.Load(p0 + 2 * C), a);
            b = Vector256.FusedMultiplyAdd(w2, Vector256.Load(q0 + 2 * C), b);
            a = Vector256.FusedMultiplyAdd(w3, Vector256.Load(p1), a);
            b = Vector256.FusedMultiplyAdd(w3, Vector256.Load(q1), b);
            a = Vector256.FusedMultiplyAdd(w4, Vector256.Load(p1 + C), a);
            b = Vector256.FusedMultiplyAdd(w4, Vector256.Load(q1 + C), b);
            a = Vector256.FusedMultiplyAdd(w5, Vector256.Load(p1 + 2 * C), a);
            b = Vector256.FusedMultiplyAdd(w5, Vector256.Load(q1 + 2 * C), b);
            a = Vector256.FusedMultiplyAdd(w6, Vector256.Load(p2), a);
            b = Vector256.FusedMultiplyAdd(w6, Vector256.Load(q2), b);
            a = Vector256.FusedMultiplyAdd(w7, Vector256.Load(p2 + C), a);
            b = Vector256.FusedMultiplyAdd(w7, Vector256.Load(q2 + C), b);
            a = Vector256.FusedMultiplyAdd(w8, Vector256.Load(p2 + 2 * C), a);
            b = Vector256.FusedMultiplyAdd(w8, Vector256.Load(q2 + 2 * C), b);
            Vector256.Store(Vector256.MinNative(Vector256.MaxNative(a, w[10]), w[11]), o + (nint)i * C);
            Vector256.Store(Vector256.MinNative(Vector256.MaxNative(b, w[10]), w[11]), o + (nint)(i + 1) * C);
        }
        if (i < count)
        {
            float* p0 = tile + offsets[i];
            Pixel(p0, p0 + rowFloats, p0 + 2 * rowFloats, 0, w, o + (nint)i * C);
        }
    }

    /// <summary>
    /// Two output rows of a block: pixel x of row A reads a0, a1, a2 at x * step + 0, 8, 16, row B the
    /// same of b0, b1, b2; <paramref name="ob"/> null makes row A alone. Two pixels of each row per
    /// step, so four FMA chains run side by side. Each output sums its taps in the same order,
    /// however it is paired.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Pair(float* a0, float* a1, float* a2, float* b0, float* b1, float* b2, int step, int count,
        Vector256<float>* w, float* oa, float* ob)
    {
        var w0 = w[0]; var w1 = w[1]; var w2 = w[2]; var w3 = w[3]; var w4 = w[4];
        var w5 = w[5]; var w6 = w[6]; var w7 = w[7]; var w8 = w[8];
        int i = 0;
        if (ob != null)
        {
            for (; i + 2 <= count; i += 2)
            {
                nint p = (nint)i * step, q = p + step;
                var a = Vector256.FusedMultiplyAdd(w0, Vector256.Load(a0 + p), w[9]);
                var b = Vector256.FusedMultiplyAdd(w0, Vector256.Load(a0 + q), w[9]);
                var c = Vector256.FusedMultiplyAdd(w0, Vector256.Load(b0 + p), w[9]);
                var d = Vector256.FusedMultiplyAdd(w0, Vector256.Load(b0 + q), w[9]);
                a = Vector256.FusedMultiplyAdd(w1, Vector256.Load(a0 + p + C), a);
                b = Vector256.FusedMultiplyAdd(w1, Vector256.Load(a0 + q + C), b);
                c = Vector256.FusedMultiplyAdd(w1, Vector256.Load(b0 + p + C), c);
                d = Vector256.FusedMultiplyAdd(w1, Vector256.Load(b0 + q + C), d);
                a = Vector256.FusedMultiplyAdd(w2, Vector256.Load(a0 + p + 2 * C), a);
                b = Vector256.FusedMultiplyAdd(w2, Vector256.Load(a0 + q + 2 * C), b);
                c = Vector256.FusedMultiplyAdd(w2, Vector256.Load(b0 + p + 2 * C), c);
                d = Vector256.FusedMultiplyAdd(w2, Vector256.Load(b0 + q + 2 * C), d);
                a = Vector256.FusedMultiplyAdd(w3, Vector256.Load(a1 + p), a);
                b = Vector256.FusedMultiplyAdd(w3, Vector256.Load(a1 + q), b);
                c = Vector256.FusedMultiplyAdd(w3, Vector256.Load(b1 + p), c);
                d = Vector256.FusedMultiplyAdd(w3, Vector256.Load(b1 + q), d);
                a = Vector256.FusedMultiplyAdd(w4, Vector256.Load(a1 + p + C), a);
                b = Vector256.FusedMultiplyAdd(w4, Vector256.Load(a1 + q + C), b);
                c = Vector256.FusedMultiplyAdd(w4, Vector256.Load(b1 + p + C), c);
                d = Vector256.FusedMultiplyAdd(w4, Vector256.Load(b1 + q + C), d);
                a = Vector256.FusedMultiplyAdd(w5, Vector256.Load(a1 + p + 2 * C), a);
                b = Vector256.FusedMultiplyAdd(w5, Vector256.Load(a1 + q + 2 * C), b);
                c = Vector256.FusedMultiplyAdd(w5, Vector256.Load(b1 + p + 2 * C), c);
                d = Vector256.FusedMultiplyAdd(w5, Vector256.Load(b1 + q + 2 * C), d);
                a = Vector256.FusedMultiplyAdd(w6, Vector256.Load(a2 + p), a);
                b = Vector256.FusedMultiplyAdd(w6, Vector256.Load(a2 + q), b);
                c = Vector256.FusedMultiplyAdd(w6, Vector256.Load(b2 + p), c);
                d = Vector256.FusedMultiplyAdd(w6, Vector256.Load(b2 + q), d);
                a = Vector256.FusedMultiplyAdd(w7, Vector256.Load(a2 + p + C), a);
                b = Vector256.FusedMultiplyAdd(w7, Vector256.Load(a2 + q + C), b);
                c = Vector256.FusedMultiplyAdd(w7, Vector256.Load(b2 + p + C), c);
                d = Vector256.FusedMultiplyAdd(w7, Vector256.Load(b2 + q + C), d);
                a = Vector256.FusedMultiplyAdd(w8, Vector256.Load(a2 + p + 2 * C), a);
                b = Vector256.FusedMultiplyAdd(w8, Vector256.Load(a2 + q + 2 * C), b);
                c = Vector256.FusedMultiplyAdd(w8, Vector256.Load(b2 + p + 2 * C), c);
                d = Vector256.FusedMultiplyAdd(w8, Vector256.Load(b2 + q + 2 * C), d);
                Vector256.Store(Vector256.MinNative(Vector256.MaxNative(a, w[10]), w[11]), oa + (nint)i * C);
                Vector256.Store(Vector256.MinNative(Vector256.MaxNative(b, w[10]), w[11]), oa + (nint)(i + 1) * C);
                Vector256.Store(Vector256.MinNative(Vector256.MaxNative(c, w[10]), w[11]), ob + (nint)i * C);
                Vector256.Store(Vector256.MinNative(Vector256.MaxNative(d, w[10]), w[11]), ob + (nint)(i + 1) * C);
            }
            if (i < count)
            {
                Pixel(a0, a1, a2, (nint)i * step, w, oa + (nint)i * C);
                Pixel(b0, b1, b2, (nint)i * step, w, ob + (nint)i * C);
            }
            return;
        }
        for (; i < count; i++)
            Pixel(a0, a1, a2, (nint)i * step, w, oa + (nint)i * C);
    }

    /// <summary>One output pixel of a block: its 9 taps at offset p of rows r0, r1, r2, in the same order as in <see cref="Pair"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Pixel(float* r0, float* r1, float* r2, nint p, Vector256<float>* w, float* o)
    {
        var a = Vector256.FusedMultiplyAdd(w[0], Vector256.Load(r0 + p), w[9]);
        a = Vector256.FusedMultiplyAdd(w[1], Vector256.Load(r0 + p + C), a);
        a = Vector256.FusedMultiplyAdd(w[2], Vector256.Load(r0 + p + 2 * C), a);
        a = Vector256.FusedMultiplyAdd(w[3], Vector256.Load(r1 + p), a);
        a = Vector256.FusedMultiplyAdd(w[4], Vector256.Load(r1 + p + C), a);
        a = Vector256.FusedMultiplyAdd(w[5], Vector256.Load(r1 + p + 2 * C), a);
        a = Vector256.FusedMultiplyAdd(w[6], Vector256.Load(r2 + p), a);
        a = Vector256.FusedMultiplyAdd(w[7], Vector256.Load(r2 + p + C), a);
        a = Vector256.FusedMultiplyAdd(w[8], Vector256.Load(r2 + p + 2 * C), a);
        Vector256.Store(Vector256.MinNative(Vector256.MaxNative(a, w[10]), w[11]), o);
    }
}
