using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// 3x3 depthwise kernels, written once for 256- and 512-bit lanes (<see cref="Lanes256"/>,
/// <see cref="Lanes512"/>). They read input rows that <see cref="DepthwiseConv"/>'s row ring has
/// copied into zero-bordered slots (de-interleaved into even and odd columns for stride 2), so every
/// output, border or not, is the same 9 FMAs with no shuffles. Two output rows are made per pass:
/// they share input rows, so a vector of outputs costs 6 (stride 1) or 7.5 (stride 2) loads for 9
/// FMAs, with the 9 weights held in registers.
/// </summary>
static unsafe class DepthwiseKernel<TLanes, TVec> where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged
{
    /// <summary>Copies one input row into a slot (stride 1).</summary>
    public static void CopyRow(float* src, int width, float* dst)
    {
        int i = 0;
        for (; i + TLanes.Count <= width; i += TLanes.Count)
            TLanes.Store(TLanes.Load(src + i), dst + i);
        for (; i < width; i++)
            dst[i] = src[i];
    }

    /// <summary>
    /// Output rows o0 and o1 at stride 1 from slot rows r0..r3. The partial last vector is done first,
    /// stored whole, and its spill into the following rows is overwritten afterwards (o1 = o0 + ow, or
    /// o0 is the plane's last row); a row marked <paramref name="exact0"/> / <paramref name="exact1"/>,
    /// whose spill would leave the plane, gets a masked store instead.
    /// </summary>
    [SkipLocalsInit]
    public static void Pair1(float* r0, float* r1, float* r2, float* r3, float* o0, float* o1, int ow, bool exact0, bool exact1,
        float* w, float bias, float lo, float hi)
    {
        var w0 = TLanes.Splat(w[0]); var w1 = TLanes.Splat(w[1]); var w2 = TLanes.Splat(w[2]);
        var w3 = TLanes.Splat(w[3]); var w4 = TLanes.Splat(w[4]); var w5 = TLanes.Splat(w[5]);
        var w6 = TLanes.Splat(w[6]); var w7 = TLanes.Splat(w[7]); var w8 = TLanes.Splat(w[8]);
        // Bias and clamp bounds stay in memory (folded into the instructions) so that the 9 weights,
        // two sums and the shared rows fit the 16 ymm registers without spills.
        var consts = stackalloc TVec[3];
        consts[0] = TLanes.Splat(bias);
        consts[1] = TLanes.Splat(lo);
        consts[2] = TLanes.Splat(hi);
        int v = TLanes.Count;
        int last = (ow - 1) / v * v;
        for (int x = last; ; x -= v)
        {
            // Row r1 and r2 feed both outputs, r0 only the first and r3 only the second.
            var b0 = TLanes.Load(r1 + x);
            var b1 = TLanes.Load(r1 + x + 1);
            var b2 = TLanes.Load(r1 + x + 2);
            var s0 = TLanes.MultiplyAdd(w3, b0, consts[0]);
            var s1 = TLanes.MultiplyAdd(w0, b0, consts[0]);
            s0 = TLanes.MultiplyAdd(w4, b1, s0);
            s1 = TLanes.MultiplyAdd(w1, b1, s1);
            s0 = TLanes.MultiplyAdd(w5, b2, s0);
            s1 = TLanes.MultiplyAdd(w2, b2, s1);
            var c0 = TLanes.Load(r2 + x);
            var c1 = TLanes.Load(r2 + x + 1);
            var c2 = TLanes.Load(r2 + x + 2);
            var t0 = TLanes.Multiply(w6, c0);
            var t1 = TLanes.Multiply(w3, c0);
            t0 = TLanes.MultiplyAdd(w7, c1, t0);
            t1 = TLanes.MultiplyAdd(w4, c1, t1);
            t0 = TLanes.MultiplyAdd(w8, c2, t0);
            t1 = TLanes.MultiplyAdd(w5, c2, t1);
            s0 = TLanes.MultiplyAdd(w0, TLanes.Load(r0 + x), s0);
            t1 = TLanes.MultiplyAdd(w6, TLanes.Load(r3 + x), t1);
            s0 = TLanes.MultiplyAdd(w1, TLanes.Load(r0 + x + 1), s0);
            t1 = TLanes.MultiplyAdd(w7, TLanes.Load(r3 + x + 1), t1);
            s0 = TLanes.MultiplyAdd(w2, TLanes.Load(r0 + x + 2), s0);
            t1 = TLanes.MultiplyAdd(w8, TLanes.Load(r3 + x + 2), t1);
            Store(TLanes.Clamp(TLanes.Add(s0, t0), consts[1], consts[2]), o0 + x, exact0 ? ow - x : TLanes.Count);
            Store(TLanes.Clamp(TLanes.Add(s1, t1), consts[1], consts[2]), o1 + x, exact1 ? ow - x : TLanes.Count);
            if (x == 0)
                break;
            exact0 = exact1 = false;
        }
    }

    /// <summary>
    /// Output rows o0 and o1 at stride 2 from slot rows r0..r4, each split into evens (at the slot)
    /// and odds (at slot + <paramref name="half"/>): output x takes evens[x], odds[x], evens[x + 1].
    /// </summary>
    [SkipLocalsInit]
    public static void Pair2(float* r0, float* r1, float* r2, float* r3, float* r4, int half, float* o0, float* o1, int ow,
        bool exact0, bool exact1, float* w, float bias, float lo, float hi)
    {
        var w0 = TLanes.Splat(w[0]); var w1 = TLanes.Splat(w[1]); var w2 = TLanes.Splat(w[2]);
        var w3 = TLanes.Splat(w[3]); var w4 = TLanes.Splat(w[4]); var w5 = TLanes.Splat(w[5]);
        var w6 = TLanes.Splat(w[6]); var w7 = TLanes.Splat(w[7]); var w8 = TLanes.Splat(w[8]);
        var consts = stackalloc TVec[3];
        consts[0] = TLanes.Splat(bias);
        consts[1] = TLanes.Splat(lo);
        consts[2] = TLanes.Splat(hi);
        int v = TLanes.Count;
        int last = (ow - 1) / v * v;
        for (int x = last; ; x -= v)
        {
            // Row r2 feeds both outputs; the others one each, so their loads fold into the FMAs.
            var c0 = TLanes.Load(r2 + x);
            var c1 = TLanes.Load(r2 + half + x);
            var c2 = TLanes.Load(r2 + x + 1);
            var t0 = TLanes.Multiply(w6, c0);
            var s1 = TLanes.MultiplyAdd(w0, c0, consts[0]);
            t0 = TLanes.MultiplyAdd(w7, c1, t0);
            s1 = TLanes.MultiplyAdd(w1, c1, s1);
            t0 = TLanes.MultiplyAdd(w8, c2, t0);
            s1 = TLanes.MultiplyAdd(w2, c2, s1);
            var s0 = TLanes.MultiplyAdd(w0, TLanes.Load(r0 + x), consts[0]);
            var t1 = TLanes.Multiply(w3, TLanes.Load(r3 + x));
            s0 = TLanes.MultiplyAdd(w1, TLanes.Load(r0 + half + x), s0);
            t1 = TLanes.MultiplyAdd(w4, TLanes.Load(r3 + half + x), t1);
            s0 = TLanes.MultiplyAdd(w2, TLanes.Load(r0 + x + 1), s0);
            t1 = TLanes.MultiplyAdd(w5, TLanes.Load(r3 + x + 1), t1);
            s0 = TLanes.MultiplyAdd(w3, TLanes.Load(r1 + x), s0);
            t1 = TLanes.MultiplyAdd(w6, TLanes.Load(r4 + x), t1);
            s0 = TLanes.MultiplyAdd(w4, TLanes.Load(r1 + half + x), s0);
            t1 = TLanes.MultiplyAdd(w7, TLanes.Load(r4 + half + x), t1);
            s0 = TLanes.MultiplyAdd(w5, TLanes.Load(r1 + x + 1), s0);
            t1 = TLanes.MultiplyAdd(w8, TLanes.Load(r4 + x + 1), t1);
            Store(TLanes.Clamp(TLanes.Add(s0, t0), consts[1], consts[2]), o0 + x, exact0 ? ow - x : TLanes.Count);
            Store(TLanes.Clamp(TLanes.Add(s1, t1), consts[1], consts[2]), o1 + x, exact1 ? ow - x : TLanes.Count);
            if (x == 0)
                break;
            exact0 = exact1 = false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(TVec v, float* o, int count)
    {
        if (count >= TLanes.Count)
            TLanes.Store(v, o);
        else
            TLanes.StorePart(v, o, count);
    }
}
