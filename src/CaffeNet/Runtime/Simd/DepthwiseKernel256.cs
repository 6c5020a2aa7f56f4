using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// AVX2 + FMA 3x3 depthwise kernels. They read input rows that <see cref="DepthwiseRows"/> has
/// copied into zero-bordered slots (de-interleaved into even and odd columns for stride 2), so every
/// output, border or not, is the same 9 FMAs with no shuffles. Two output rows are made per pass:
/// they share input rows, so a vector of outputs costs 6 (stride 1) or 7.5 (stride 2) loads for 9 FMAs, with
/// the 9 weights held in registers.
/// </summary>
static unsafe class DepthwiseKernel256
{
    public const int V = 8;

    /// <summary>Copies one input row into a slot (stride 1).</summary>
    public static void CopyRow(float* src, int width, float* dst)
    {
        int i = 0;
        for (; i + V <= width; i += V)
            Vector256.Store(Vector256.Load(src + i), dst + i);
        for (; i < width; i++)
            dst[i] = src[i];
    }

    /// <summary>Splits one input row: even columns to <paramref name="evens"/>, odd ones to <paramref name="odds"/>.</summary>
    public static void SplitRow(float* src, int width, float* evens, float* odds)
    {
        int i = 0;
        for (; i + 2 * V <= width; i += 2 * V)
        {
            var a = Vector256.Load(src + i);
            var b = Vector256.Load(src + i + V);
            // shufps picks 2 + 2 elements per 128-bit lane; vpermpd then puts the 64-bit pairs in order.
            Vector256.Store(Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle(), evens + i / 2);
            Vector256.Store(Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle(), odds + i / 2);
        }
        for (; i < width; i++)
        {
            if ((i & 1) == 0)
                evens[i / 2] = src[i];
            else
                odds[i / 2] = src[i];
        }
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
        var w0 = Vector256.Create(w[0]); var w1 = Vector256.Create(w[1]); var w2 = Vector256.Create(w[2]);
        var w3 = Vector256.Create(w[3]); var w4 = Vector256.Create(w[4]); var w5 = Vector256.Create(w[5]);
        var w6 = Vector256.Create(w[6]); var w7 = Vector256.Create(w[7]); var w8 = Vector256.Create(w[8]);
        // Bias and clamp bounds stay in memory (folded into the instructions) so that the 9 weights,
        // two sums and the shared rows fit the 16 ymm registers without spills.
        var consts = stackalloc Vector256<float>[3];
        consts[0] = Vector256.Create(bias);
        consts[1] = Vector256.Create(lo);
        consts[2] = Vector256.Create(hi);
        int last = (ow - 1) / V * V;
        for (int x = last; ; x -= V)
        {
            // Row r1 and r2 feed both outputs, r0 only the first and r3 only the second.
            var b0 = Vector256.Load(r1 + x);
            var b1 = Vector256.Load(r1 + x + 1);
            var b2 = Vector256.Load(r1 + x + 2);
            var s0 = Vector256.FusedMultiplyAdd(w3, b0, consts[0]);
            var s1 = Vector256.FusedMultiplyAdd(w0, b0, consts[0]);
            s0 = Vector256.FusedMultiplyAdd(w4, b1, s0);
            s1 = Vector256.FusedMultiplyAdd(w1, b1, s1);
            s0 = Vector256.FusedMultiplyAdd(w5, b2, s0);
            s1 = Vector256.FusedMultiplyAdd(w2, b2, s1);
            var c0 = Vector256.Load(r2 + x);
            var c1 = Vector256.Load(r2 + x + 1);
            var c2 = Vector256.Load(r2 + x + 2);
            var t0 = Vector256.Multiply(w6, c0);
            var t1 = Vector256.Multiply(w3, c0);
            t0 = Vector256.FusedMultiplyAdd(w7, c1, t0);
            t1 = Vector256.FusedMultiplyAdd(w4, c1, t1);
            t0 = Vector256.FusedMultiplyAdd(w8, c2, t0);
            t1 = Vector256.FusedMultiplyAdd(w5, c2, t1);
            s0 = Vector256.FusedMultiplyAdd(w0, Vector256.Load(r0 + x), s0);
            t1 = Vector256.FusedMultiplyAdd(w6, Vector256.Load(r3 + x), t1);
            s0 = Vector256.FusedMultiplyAdd(w1, Vector256.Load(r0 + x + 1), s0);
            t1 = Vector256.FusedMultiplyAdd(w7, Vector256.Load(r3 + x + 1), t1);
            s0 = Vector256.FusedMultiplyAdd(w2, Vector256.Load(r0 + x + 2), s0);
            t1 = Vector256.FusedMultiplyAdd(w8, Vector256.Load(r3 + x + 2), t1);
            Store(Vector256.MinNative(Vector256.MaxNative(s0 + t0, consts[1]), consts[2]), o0 + x, exact0 ? ow - x : V);
            Store(Vector256.MinNative(Vector256.MaxNative(s1 + t1, consts[1]), consts[2]), o1 + x, exact1 ? ow - x : V);
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
        var w0 = Vector256.Create(w[0]); var w1 = Vector256.Create(w[1]); var w2 = Vector256.Create(w[2]);
        var w3 = Vector256.Create(w[3]); var w4 = Vector256.Create(w[4]); var w5 = Vector256.Create(w[5]);
        var w6 = Vector256.Create(w[6]); var w7 = Vector256.Create(w[7]); var w8 = Vector256.Create(w[8]);
        var consts = stackalloc Vector256<float>[3];
        consts[0] = Vector256.Create(bias);
        consts[1] = Vector256.Create(lo);
        consts[2] = Vector256.Create(hi);
        int last = (ow - 1) / V * V;
        for (int x = last; ; x -= V)
        {
            // Row r2 feeds both outputs; the others one each, so their loads fold into the FMAs.
            var c0 = Vector256.Load(r2 + x);
            var c1 = Vector256.Load(r2 + half + x);
            var c2 = Vector256.Load(r2 + x + 1);
            var t0 = Vector256.Multiply(w6, c0);
            var s1 = Vector256.FusedMultiplyAdd(w0, c0, consts[0]);
            t0 = Vector256.FusedMultiplyAdd(w7, c1, t0);
            s1 = Vector256.FusedMultiplyAdd(w1, c1, s1);
            t0 = Vector256.FusedMultiplyAdd(w8, c2, t0);
            s1 = Vector256.FusedMultiplyAdd(w2, c2, s1);
            var s0 = Vector256.FusedMultiplyAdd(w0, Vector256.Load(r0 + x), consts[0]);
            var t1 = Vector256.Multiply(w3, Vector256.Load(r3 + x));
            s0 = Vector256.FusedMultiplyAdd(w1, Vector256.Load(r0 + half + x), s0);
            t1 = Vector256.FusedMultiplyAdd(w4, Vector256.Load(r3 + half + x), t1);
            s0 = Vector256.FusedMultiplyAdd(w2, Vector256.Load(r0 + x + 1), s0);
            t1 = Vector256.FusedMultiplyAdd(w5, Vector256.Load(r3 + x + 1), t1);
            s0 = Vector256.FusedMultiplyAdd(w3, Vector256.Load(r1 + x), s0);
            t1 = Vector256.FusedMultiplyAdd(w6, Vector256.Load(r4 + x), t1);
            s0 = Vector256.FusedMultiplyAdd(w4, Vector256.Load(r1 + half + x), s0);
            t1 = Vector256.FusedMultiplyAdd(w7, Vector256.Load(r4 + half + x), t1);
            s0 = Vector256.FusedMultiplyAdd(w5, Vector256.Load(r1 + x + 1), s0);
            t1 = Vector256.FusedMultiplyAdd(w8, Vector256.Load(r4 + x + 1), t1);
            Store(Vector256.MinNative(Vector256.MaxNative(s0 + t0, consts[1]), consts[2]), o0 + x, exact0 ? ow - x : V);
            Store(Vector256.MinNative(Vector256.MaxNative(s1 + t1, consts[1]), consts[2]), o1 + x, exact1 ? ow - x : V);
            if (x == 0)
                break;
            exact0 = exact1 = false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(Vector256<float> v, float* o, int count)
    {
        if (count >= V)
        {
            Vector256.Store(v, o);
            return;
        }
        var mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
        Avx.MaskStore(o, mask, v);
    }
}
