using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// AVX2 + FMA kernel of <see cref="DirectConv"/>: 4 output channels x 1 to 3 vectors of 8 output
/// columns, accumulated in registers over every tap. A tap is one row pointer (an input row slot,
/// already offset for its kernel column) and 4 weights, one per channel; each costs N loads and 4
/// broadcasts for 4N FMAs. With N = 3 that is 12 accumulators, enough chains to keep both FMA pipes
/// busy.
/// </summary>
static unsafe class DirectConvKernel256
{
    public const int Channels = 4;
    public const int V = 8;

    /// <summary>How many vectors of columns a tile has; a type, so each count gets its own compiled loop.</summary>
    public interface IVectors
    {
        static abstract int Count { get; }
    }

    public struct One : IVectors
    {
        public static int Count => 1;
    }

    public struct Two : IVectors
    {
        public static int Count => 2;
    }

    public struct Three : IVectors
    {
        public static int Count => 3;
    }

    /// <summary>
    /// outs[j][ox + i] = clamp(bias[j] + Σ_t w[4 t + j] · taps[t][x + i], lo, hi) for i &lt; 8 N, j &lt; 4.
    /// </summary>
    [SkipLocalsInit]
    public static void Tile<TN>(float** taps, int count, nint x, float* w, float* bias, float lo, float hi, float** outs, nint ox)
        where TN : struct, IVectors
    {
        var a00 = Vector256.Create(bias[0]); var a10 = Vector256.Create(bias[1]);
        var a20 = Vector256.Create(bias[2]); var a30 = Vector256.Create(bias[3]);
        Vector256<float> a01 = a00, a11 = a10, a21 = a20, a31 = a30;
        Vector256<float> a02 = a00, a12 = a10, a22 = a20, a32 = a30;
        for (int t = 0; t < count; t++)
        {
            float* row = taps[t] + x;
            var i0 = Vector256.Load(row);
            var i1 = TN.Count > 1 ? Vector256.Load(row + V) : default;
            var i2 = TN.Count > 2 ? Vector256.Load(row + 2 * V) : default;
            var wv = Vector256.Create(w[0]);
            a00 = Vector256.FusedMultiplyAdd(wv, i0, a00);
            if (TN.Count > 1) a01 = Vector256.FusedMultiplyAdd(wv, i1, a01);
            if (TN.Count > 2) a02 = Vector256.FusedMultiplyAdd(wv, i2, a02);
            wv = Vector256.Create(w[1]);
            a10 = Vector256.FusedMultiplyAdd(wv, i0, a10);
            if (TN.Count > 1) a11 = Vector256.FusedMultiplyAdd(wv, i1, a11);
            if (TN.Count > 2) a12 = Vector256.FusedMultiplyAdd(wv, i2, a12);
            wv = Vector256.Create(w[2]);
            a20 = Vector256.FusedMultiplyAdd(wv, i0, a20);
            if (TN.Count > 1) a21 = Vector256.FusedMultiplyAdd(wv, i1, a21);
            if (TN.Count > 2) a22 = Vector256.FusedMultiplyAdd(wv, i2, a22);
            wv = Vector256.Create(w[3]);
            a30 = Vector256.FusedMultiplyAdd(wv, i0, a30);
            if (TN.Count > 1) a31 = Vector256.FusedMultiplyAdd(wv, i1, a31);
            if (TN.Count > 2) a32 = Vector256.FusedMultiplyAdd(wv, i2, a32);
            w += Channels;
        }
        var vlo = Vector256.Create(lo);
        var vhi = Vector256.Create(hi);
        Store<TN>(outs[0] + ox, a00, a01, a02, vlo, vhi);
        Store<TN>(outs[1] + ox, a10, a11, a12, vlo, vhi);
        Store<TN>(outs[2] + ox, a20, a21, a22, vlo, vhi);
        Store<TN>(outs[3] + ox, a30, a31, a32, vlo, vhi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store<TN>(float* o, Vector256<float> s0, Vector256<float> s1, Vector256<float> s2, Vector256<float> lo, Vector256<float> hi)
        where TN : struct, IVectors
    {
        Vector256.Store(Vector256.MinNative(Vector256.MaxNative(s0, lo), hi), o);
        if (TN.Count > 1) Vector256.Store(Vector256.MinNative(Vector256.MaxNative(s1, lo), hi), o + V);
        if (TN.Count > 2) Vector256.Store(Vector256.MinNative(Vector256.MaxNative(s2, lo), hi), o + 2 * V);
    }
}
