using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// AVX-512 3x3 depthwise kernel over one zero-bordered plane: 16 outputs of a row per step, the 9
/// weights held in registers. Stride 2 de-interleaves pairs of loads with the portable shuffle API
/// (vpermps on AVX-512 hardware; emulated, so testable, elsewhere).
/// </summary>
static unsafe class DepthwiseKernel512
{
    const int V = 16;

    [SkipLocalsInit]
    public static void Plane3x3(float* padded, int pw, float* w, float bias, float* output, int oh, int ow, int stride,
        float lo, float hi)
    {
        var k = new Weights(w, bias, lo, hi);
        for (int oy = 0; oy < oh; oy++)
        {
            float* r0 = padded + (nint)oy * stride * pw;
            float* o = output + (nint)oy * ow;
            if (stride == 1)
                Row1(r0, pw, o, ow, in k);
            else
                Row2(r0, pw, o, ow, in k);
        }
    }

    readonly struct Weights(float* w, float bias, float lo, float hi)
    {
        public readonly Vector512<float> W0 = Vector512.Create(w[0]), W1 = Vector512.Create(w[1]), W2 = Vector512.Create(w[2]);
        public readonly Vector512<float> W3 = Vector512.Create(w[3]), W4 = Vector512.Create(w[4]), W5 = Vector512.Create(w[5]);
        public readonly Vector512<float> W6 = Vector512.Create(w[6]), W7 = Vector512.Create(w[7]), W8 = Vector512.Create(w[8]);
        public readonly Vector512<float> Bias = Vector512.Create(bias), Lo = Vector512.Create(lo), Hi = Vector512.Create(hi);
    }

    static void Row1(float* r0, int pw, float* o, int ow, in Weights k)
    {
        float* r1 = r0 + pw, r2 = r1 + pw;
        int x = 0;
        for (; x + V <= ow; x += V)
            Vector512.Store(Stride1(r0 + x, r1 + x, r2 + x, in k), o + x);
        if (x < ow)
            Tail(Stride1(r0 + x, r1 + x, r2 + x, in k), o + x, ow - x);
    }

    static void Row2(float* r0, int pw, float* o, int ow, in Weights k)
    {
        float* r1 = r0 + pw, r2 = r1 + pw;
        int x = 0;
        for (; x + V <= ow; x += V)
            Vector512.Store(Stride2(r0 + 2 * x, r1 + 2 * x, r2 + 2 * x, in k), o + x);
        if (x < ow)
            Tail(Stride2(r0 + 2 * x, r1 + 2 * x, r2 + 2 * x, in k), o + x, ow - x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Stride1(float* r0, float* r1, float* r2, in Weights k)
    {
        // Three partial sums, one per row, so the 9 FMAs are three short chains, not one long one.
        var s0 = Vector512.FusedMultiplyAdd(k.W0, Vector512.Load(r0), k.Bias);
        var s1 = Vector512.Multiply(k.W3, Vector512.Load(r1));
        var s2 = Vector512.Multiply(k.W6, Vector512.Load(r2));
        s0 = Vector512.FusedMultiplyAdd(k.W1, Vector512.Load(r0 + 1), s0);
        s1 = Vector512.FusedMultiplyAdd(k.W4, Vector512.Load(r1 + 1), s1);
        s2 = Vector512.FusedMultiplyAdd(k.W7, Vector512.Load(r2 + 1), s2);
        s0 = Vector512.FusedMultiplyAdd(k.W2, Vector512.Load(r0 + 2), s0);
        s1 = Vector512.FusedMultiplyAdd(k.W5, Vector512.Load(r1 + 2), s1);
        s2 = Vector512.FusedMultiplyAdd(k.W8, Vector512.Load(r2 + 2), s2);
        return Vector512.MinNative(Vector512.MaxNative(s0 + s1 + s2, k.Lo), k.Hi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Stride2(float* r0, float* r1, float* r2, in Weights k)
    {
        var s0 = Taps(r0, k.W0, k.W1, k.W2, k.Bias);
        var s1 = Taps(r1, k.W3, k.W4, k.W5, Vector512<float>.Zero);
        var s2 = Taps(r2, k.W6, k.W7, k.W8, Vector512<float>.Zero);
        return Vector512.MinNative(Vector512.MaxNative(s0 + s1 + s2, k.Lo), k.Hi);
    }

    /// <summary>One row of taps at stride 2: columns 2i, 2i + 1, 2i + 2 for the 16 outputs i.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Taps(float* r, Vector512<float> w0, Vector512<float> w1, Vector512<float> w2, Vector512<float> acc)
    {
        var a = Vector512.Load(r);
        var b = Vector512.Load(r + V);
        var c = Vector512.Load(r + 2);
        var d = Vector512.Load(r + 2 + V);
        acc = Vector512.FusedMultiplyAdd(w0, Evens(a, b), acc);
        acc = Vector512.FusedMultiplyAdd(w1, Odds(a, b), acc);
        return Vector512.FusedMultiplyAdd(w2, Evens(c, d), acc);
    }

    static readonly Vector512<int> EvenIndices = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
    static readonly Vector512<int> OddIndices = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Evens(Vector512<float> a, Vector512<float> b) =>
        Vector512.Create(Vector512.Shuffle(a, EvenIndices).GetLower(), Vector512.Shuffle(b, EvenIndices).GetLower());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector512<float> Odds(Vector512<float> a, Vector512<float> b) =>
        Vector512.Create(Vector512.Shuffle(a, OddIndices).GetLower(), Vector512.Shuffle(b, OddIndices).GetLower());

    [SkipLocalsInit]
    static void Tail(Vector512<float> v, float* o, int count)
    {
        float* t = stackalloc float[V];
        Vector512.Store(v, t);
        for (int i = 0; i < count; i++)
            o[i] = t[i];
    }
}
