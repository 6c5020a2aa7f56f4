using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// The vector operations a kernel written once for both widths needs, on the vector type itself
/// (.NET 10 does not expose a common interface for Vector256 and Vector512). Implementations are
/// empty structs, so a generic kernel instantiated over one compiles to plain vector code.
/// </summary>
unsafe interface IFloatLanes<TVec> where TVec : unmanaged
{
    static abstract int Count { get; }
    static abstract TVec Load(float* p);
    static abstract void Store(TVec v, float* p);
    static abstract TVec Splat(float x);
    static abstract TVec Add(TVec a, TVec b);
    static abstract TVec Subtract(TVec a, TVec b);
    static abstract TVec Multiply(TVec a, TVec b);
    /// <summary>a * b + c, fused.</summary>
    static abstract TVec MultiplyAdd(TVec a, TVec b, TVec c);
    static abstract TVec Clamp(TVec v, TVec lo, TVec hi);
    /// <summary>Caffe's MAX step: <paramref name="value"/> where it is greater than <paramref name="acc"/>, else acc (so NaN never wins).</summary>
    static abstract TVec Max(TVec value, TVec acc);
    static abstract TVec Divide(TVec a, TVec b);
    /// <summary>Stores the first <paramref name="count"/> (&lt; Count) lanes.</summary>
    static abstract void StorePart(TVec v, float* p, int count);
    /// <summary>Splits a row: even columns to <paramref name="evens"/>, odd ones to <paramref name="odds"/>.</summary>
    static abstract void SplitRow(float* src, int width, float* evens, float* odds);
}

/// <summary>AVX2 + FMA lanes.</summary>
readonly unsafe struct Lanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Load(float* p) => Vector256.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector256<float> v, float* p) => Vector256.Store(v, p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Splat(float x) => Vector256.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Subtract(Vector256<float> a, Vector256<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Multiply(Vector256<float> a, Vector256<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Vector256.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> v, Vector256<float> lo, Vector256<float> hi) =>
        Vector256.MinNative(Vector256.MaxNative(v, lo), hi);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Max(Vector256<float> value, Vector256<float> acc) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(value, acc), value, acc);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector256<float> Divide(Vector256<float> a, Vector256<float> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StorePart(Vector256<float> v, float* p, int count)
    {
        var mask = Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();
        Avx.MaskStore(p, mask, v);
    }

    public static void SplitRow(float* src, int width, float* evens, float* odds)
    {
        int i = 0;
        for (; i + 16 <= width; i += 16)
        {
            var a = Vector256.Load(src + i);
            var b = Vector256.Load(src + i + 8);
            // shufps picks 2 + 2 elements per 128-bit lane; vpermpd then puts the 64-bit pairs in order.
            Vector256.Store(Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle(), evens + i / 2);
            Vector256.Store(Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle(), odds + i / 2);
        }
        SplitTail(src, i, width, evens, odds);
    }

    /// <summary>Columns [from, width) one at a time.</summary>
    internal static void SplitTail(float* src, int from, int width, float* evens, float* odds)
    {
        for (int i = from; i < width; i++)
        {
            if ((i & 1) == 0)
                evens[i / 2] = src[i];
            else
                odds[i / 2] = src[i];
        }
    }
}

/// <summary>AVX-512 lanes, written with the portable Vector512 API (emulated, so testable, where AVX-512 is missing).</summary>
readonly unsafe struct Lanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => 16;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Load(float* p) => Vector512.Load(p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Store(Vector512<float> v, float* p) => Vector512.Store(v, p);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Splat(float x) => Vector512.Create(x);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Subtract(Vector512<float> a, Vector512<float> b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Multiply(Vector512<float> a, Vector512<float> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Vector512.FusedMultiplyAdd(a, b, c);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clamp(Vector512<float> v, Vector512<float> lo, Vector512<float> hi) =>
        Vector512.MinNative(Vector512.MaxNative(v, lo), hi);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Max(Vector512<float> value, Vector512<float> acc) =>
        Vector512.ConditionalSelect(Vector512.GreaterThan(value, acc), value, acc);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Vector512<float> Divide(Vector512<float> a, Vector512<float> b) => a / b;

    [SkipLocalsInit]
    public static void StorePart(Vector512<float> v, float* p, int count)
    {
        float* t = stackalloc float[16];
        Vector512.Store(v, t);
        for (int i = 0; i < count; i++)
            p[i] = t[i];
    }

    public static void SplitRow(float* src, int width, float* evens, float* odds)
    {
        var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 0, 2, 4, 6, 8, 10, 12, 14);
        var odd = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 1, 3, 5, 7, 9, 11, 13, 15);
        int i = 0;
        for (; i + 32 <= width; i += 32)
        {
            var a = Vector512.Load(src + i);
            var b = Vector512.Load(src + i + 16);
            Vector256.Store(Vector512.Shuffle(a, even).GetLower(), evens + i / 2);
            Vector256.Store(Vector512.Shuffle(b, even).GetLower(), evens + i / 2 + 8);
            Vector256.Store(Vector512.Shuffle(a, odd).GetLower(), odds + i / 2);
            Vector256.Store(Vector512.Shuffle(b, odd).GetLower(), odds + i / 2 + 8);
        }
        Lanes256.SplitTail(src, i, width, evens, odds);
    }
}
