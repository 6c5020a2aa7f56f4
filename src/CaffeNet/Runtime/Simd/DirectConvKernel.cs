using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime.Simd;

/// <summary>How many vectors of columns a tile has; a type, so each count gets its own compiled loop.</summary>
internal interface IDirectVectors
{
    static abstract int Count { get; }
}

internal struct OneVector : IDirectVectors
{
    public static int Count => 1;
}

internal struct TwoVectors : IDirectVectors
{
    public static int Count => 2;
}

internal struct ThreeVectors : IDirectVectors
{
    public static int Count => 3;
}

/// <summary>
/// The kernel of <see cref="DirectConv"/>, written once for AVX2 (8 lanes) and AVX-512 (16): 4
/// output channels x 1 to 3 vectors of output columns, accumulated in registers over every tap. A
/// tap is one row pointer (an input row slot, already offset for its kernel column) and 4 weights,
/// one per channel; each costs N loads and 4 broadcasts for 4N FMAs. With N = 3 that is 12
/// accumulators, enough chains to keep both FMA pipes busy; 16 lanes do twice the columns per FMA.
/// </summary>
static unsafe class DirectConvKernel<TLanes, TVec>
    where TLanes : struct, IFloatLanes<TVec>
    where TVec : unmanaged
{
    /// <summary>
    /// outs[j][ox + i] = clamp(bias[j] + Σ_t w[4 t + j] · taps[t][x + i], lo, hi) for i &lt; lanes · N, j &lt; 4.
    /// </summary>
    [SkipLocalsInit]
    public static void Tile<TN>(float** taps, int count, nint x, float* w, float* bias, float lo, float hi, float** outs, nint ox)
        where TN : struct, IDirectVectors
    {
        int v = TLanes.Count;
        var a00 = TLanes.Splat(bias[0]); var a10 = TLanes.Splat(bias[1]);
        var a20 = TLanes.Splat(bias[2]); var a30 = TLanes.Splat(bias[3]);
        TVec a01 = a00, a11 = a10, a21 = a20, a31 = a30;
        TVec a02 = a00, a12 = a10, a22 = a20, a32 = a30;
        for (int t = 0; t < count; t++)
        {
            float* row = taps[t] + x;
            var i0 = TLanes.Load(row);
            var i1 = TN.Count > 1 ? TLanes.Load(row + v) : default;
            var i2 = TN.Count > 2 ? TLanes.Load(row + 2 * v) : default;
            var wv = TLanes.Splat(w[0]);
            a00 = TLanes.MultiplyAdd(wv, i0, a00);
            if (TN.Count > 1) a01 = TLanes.MultiplyAdd(wv, i1, a01);
            if (TN.Count > 2) a02 = TLanes.MultiplyAdd(wv, i2, a02);
            wv = TLanes.Splat(w[1]);
            a10 = TLanes.MultiplyAdd(wv, i0, a10);
            if (TN.Count > 1) a11 = TLanes.MultiplyAdd(wv, i1, a11);
            if (TN.Count > 2) a12 = TLanes.MultiplyAdd(wv, i2, a12);
            wv = TLanes.Splat(w[2]);
            a20 = TLanes.MultiplyAdd(wv, i0, a20);
            if (TN.Count > 1) a21 = TLanes.MultiplyAdd(wv, i1, a21);
            if (TN.Count > 2) a22 = TLanes.MultiplyAdd(wv, i2, a22);
            wv = TLanes.Splat(w[3]);
            a30 = TLanes.MultiplyAdd(wv, i0, a30);
            if (TN.Count > 1) a31 = TLanes.MultiplyAdd(wv, i1, a31);
            if (TN.Count > 2) a32 = TLanes.MultiplyAdd(wv, i2, a32);
            w += DirectConv.Block;
        }
        var vlo = TLanes.Splat(lo);
        var vhi = TLanes.Splat(hi);
        Store<TN>(outs[0] + ox, a00, a01, a02, vlo, vhi);
        Store<TN>(outs[1] + ox, a10, a11, a12, vlo, vhi);
        Store<TN>(outs[2] + ox, a20, a21, a22, vlo, vhi);
        Store<TN>(outs[3] + ox, a30, a31, a32, vlo, vhi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store<TN>(float* o, TVec s0, TVec s1, TVec s2, TVec lo, TVec hi)
        where TN : struct, IDirectVectors
    {
        TLanes.Store(TLanes.Clamp(s0, lo, hi), o);
        if (TN.Count > 1) TLanes.Store(TLanes.Clamp(s1, lo, hi), o + TLanes.Count);
        if (TN.Count > 2) TLanes.Store(TLanes.Clamp(s2, lo, hi), o + 2 * TLanes.Count);
    }

    /// <summary>
    /// One output row of one block of 4 channels: tiles of 3, 2 or 1 vectors; a ragged end is one
    /// more vector ending at the last column (its columns before that get the same values again), or
    /// where the row is narrower than a vector, a vector into <paramref name="tailOuts"/>, copied out.
    /// </summary>
    public static void Row(float** taps, int count, float* w, float* bias, float lo, float hi, float** outs,
        float** tailOuts, float* tail, int outWidth)
    {
        int v = TLanes.Count, x = 0;
        for (; x + 3 * v <= outWidth; x += 3 * v)
            Tile<ThreeVectors>(taps, count, x, w, bias, lo, hi, outs, x);
        if (x + 2 * v <= outWidth)
        {
            Tile<TwoVectors>(taps, count, x, w, bias, lo, hi, outs, x);
            x += 2 * v;
        }
        else if (x + v <= outWidth)
        {
            Tile<OneVector>(taps, count, x, w, bias, lo, hi, outs, x);
            x += v;
        }
        if (x == outWidth)
            return;
        if (outWidth >= v)
        {
            Tile<OneVector>(taps, count, outWidth - v, w, bias, lo, hi, outs, outWidth - v);
            return;
        }
        Tile<OneVector>(taps, count, x, w, bias, lo, hi, tailOuts, 0);
        for (int j = 0; j < DirectConv.Block; j++)
            new ReadOnlySpan<float>(tail + j * v, outWidth - x).CopyTo(new Span<float>(outs[j] + x, outWidth - x));
    }
}
