using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Simd;

/// <summary>How <see cref="SeparablePool"/> combines the values of a window: a maximum or a sum.</summary>
internal interface IPoolReduce
{
    /// <summary>The value a window starts from, and what padding and the image's outside hold.</summary>
    static abstract float Identity { get; }

    static abstract float Combine(float value, float acc);

    static abstract Vector<float> Combine(Vector<float> value, Vector<float> acc);
}

/// <summary>Caffe's MAX: start at -FLT_MAX, take a value only when it is strictly greater (NaN never wins).</summary>
internal readonly struct MaxReduce : IPoolReduce
{
    public static float Identity => -float.MaxValue;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Combine(float value, float acc) => value > acc ? value : acc;

    /// <summary>
    /// vmaxps is this rule in one instruction: it returns its second operand unless the first is
    /// greater (so for a NaN on either side, and for +0 against -0, it keeps acc).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Combine(Vector<float> value, Vector<float> acc) =>
        Vector<float>.Count == Vector256<float>.Count && Avx.IsSupported
            ? Avx.Max(value.AsVector256(), acc.AsVector256()).AsVector()
            : Vector.ConditionalSelect(Vector.GreaterThan(value, acc), value, acc);
}

/// <summary>AVE's numerator: padding adds zero.</summary>
internal readonly struct SumReduce : IPoolReduce
{
    public static float Identity => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Combine(float value, float acc) => acc + value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Combine(Vector<float> value, Vector<float> acc) => acc + value;
}

/// <summary>
/// 2-D pooling of NCHW planes in two separable passes per output row: first down the columns of the
/// row's window (whole rows of vectors) into a row buffer that holds the left and right padding as
/// the reduction's identity, then across each window of that buffer. With the padding in the buffer,
/// no window needs clipping in the second pass; stride 2 splits the buffer into its even and odd
/// columns first (with AVX2 shuffles), so that every tap is one vector load. Planes run in parallel
/// on a <see cref="WorkerPool"/>. The reference kernel visits every tap of every window through
/// bounds-checked spans and was 57% of SqueezeNet's forward.
/// </summary>
internal static unsafe class SeparablePool
{
    const int MaxStackFloats = 16384;

    /// <summary>Planes below this many input floats in all run on the calling thread: a parallel loop costs more.</summary>
    const long ParallelMinFloats = 32 * 1024;

    /// <summary>
    /// Pools <paramref name="planes"/> planes of <paramref name="height"/> x <paramref name="width"/> into
    /// planes of <paramref name="outHeight"/> x <paramref name="outWidth"/> with the window of
    /// <paramref name="p"/> (already resolved for global pooling). With <paramref name="average"/>,
    /// each sum is divided by its window clipped to the padded image, as Caffe divides.
    /// <paramref name="vectorSplit"/> false takes the scalar even/odd split (tests cover both).
    /// </summary>
    public static void Forward<TReduce>(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width,
        int outHeight, int outWidth, in PoolingParams p, bool average, WorkerPool? pool, bool vectorSplit = true)
        where TReduce : struct, IPoolReduce
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(planes, 0);
        if (p.KernelH < 1 || p.KernelW < 1 || p.StrideH < 1 || p.StrideW < 1 || p.PadH < 0 || p.PadW < 0)
            throw new ArgumentException($"pooling window {p.KernelH}x{p.KernelW} stride {p.StrideH}x{p.StrideW} pad {p.PadH}x{p.PadW} is not valid");
        if (input.Length < (long)planes * height * width || output.Length < (long)planes * outHeight * outWidth)
            throw new ArgumentException("pooling: the spans are shorter than the planes they hold");
        if (planes == 0 || outHeight == 0 || outWidth == 0)
            return;
        fixed (float* src = input)
        fixed (float* dst = output)
        {
            var job = new Job<TReduce>(src, dst, height, width, outHeight, outWidth, p, average,
                vectorSplit && Avx2.IsSupported && Vector<float>.Count == Vector256<float>.Count);
            // Small inputs stay on this thread: handing out planes would cost more than it saves.
            WorkerPool.For((long)planes * height * width < ParallelMinFloats ? null : pool, planes, job);
        }
    }

    /// <summary>Floats in the row buffer: every window's reach, and the padded row, plus a split's slack.</summary>
    static int RowFloats(int width, int outWidth, in PoolingParams p) =>
        Math.Max((outWidth - 1) * p.StrideW + p.KernelW, p.PadW + width) + 4 * Vector256<float>.Count;

    readonly struct Job<TReduce>(float* src, float* dst, int height, int width, int outHeight, int outWidth,
        PoolingParams p, bool average, bool vectorSplit) : IParallelJob where TReduce : struct, IPoolReduce
    {
        public void Execute(int plane)
        {
            int rowFloats = RowFloats(width, outWidth, p);
            // The row, then (stride 2) its evens and odds, then (AVE) each output column's window width.
            int need = 2 * rowFloats + (average ? outWidth : 0);
            float[]? heap = need > MaxStackFloats ? GC.AllocateUninitializedArray<float>(need, pinned: true) : null;
            float* stack = stackalloc float[heap is null ? need : 0];
            float* row = heap is null ? stack : (float*)Unsafe.AsPointer(ref heap[0]);
            float* split = row + rowFloats;
            float* widths = split + rowFloats;
            // The padding either side of the image's columns stays the identity for every row.
            new Span<float>(row, rowFloats).Fill(TReduce.Identity);
            if (average)
            {
                for (int ox = 0; ox < outWidth; ox++)
                {
                    int x0 = ox * p.StrideW - p.PadW;
                    widths[ox] = Math.Min(x0 + p.KernelW, width + p.PadW) - x0;
                }
            }
            float* image = src + (long)plane * height * width;
            float* result = dst + (long)plane * outHeight * outWidth;
            for (int oy = 0; oy < outHeight; oy++)
            {
                int y0 = oy * p.StrideH - p.PadH;
                ColumnPass(image, width, Math.Max(y0, 0), Math.Min(y0 + p.KernelH, height), row + p.PadW);
                // Caffe's divisor: the window clipped to the padded image, not to the image.
                int rows = Math.Min(y0 + p.KernelH, height + p.PadH) - y0;
                RowPass(row, split, rowFloats, result + (long)oy * outWidth, widths, rows);
            }
        }

        /// <summary>
        /// row[x] = the reduction of column x over image rows [yStart, yEnd). A ragged last vector is
        /// done again from width - count: the columns it repeats get the same values.
        /// </summary>
        void ColumnPass(float* image, int width, int yStart, int yEnd, float* row)
        {
            int count = Vector<float>.Count;
            if (width < count)
            {
                for (int x = 0; x < width; x++)
                {
                    float acc = TReduce.Identity;
                    for (int y = yStart; y < yEnd; y++)
                        acc = TReduce.Combine(image[(long)y * width + x], acc);
                    row[x] = acc;
                }
                return;
            }
            for (int x = 0; ; x += count)
            {
                x = Math.Min(x, width - count);
                var acc = new Vector<float>(TReduce.Identity);
                for (int y = yStart; y < yEnd; y++)
                    acc = TReduce.Combine(Vector.Load(image + (long)y * width + x), acc);
                acc.Store(row + x);
                if (x == width - count)
                    break;
            }
        }

        /// <summary>
        /// Output x is the reduction of row[x * stride + k] for k in [0, kernel): the padding is in the
        /// row. AVE divides as it stores. A ragged last vector is done again from outWidth - count.
        /// </summary>
        void RowPass(float* row, float* split, int rowFloats, float* outRow, float* widths, int rows)
        {
            int count = Vector<float>.Count, kernel = p.KernelW;
            if (outWidth >= count && p.StrideW <= 2)
            {
                // Stride 1: tap k of output x reads row[x + k]. Stride 2: row[2x + k], which is
                // evens[x + k / 2] for even k and odds[x + k / 2] for odd k.
                bool stride2 = p.StrideW == 2;
                float* evens = split, odds = split + rowFloats / 2;
                if (stride2)
                    Split(row, 2 * (outWidth + (kernel - 1) / 2), evens, odds);
                var height = new Vector<float>(rows);
                for (int ox = 0; ; ox += count)
                {
                    ox = Math.Min(ox, outWidth - count);
                    var acc = new Vector<float>(TReduce.Identity);
                    for (int k = 0; k < kernel; k++)
                    {
                        float* tap = stride2 ? ((k & 1) == 0 ? evens : odds) + (k >> 1) : row + k;
                        acc = TReduce.Combine(Vector.Load(tap + ox), acc);
                    }
                    // Caffe's divisor, divided as it divides (a reciprocal would round differently).
                    if (average)
                        acc /= height * Vector.Load(widths + ox);
                    acc.Store(outRow + ox);
                    if (ox == outWidth - count)
                        break;
                }
                return;
            }
            for (int ox = 0; ox < outWidth; ox++)
            {
                float* start = row + (long)ox * p.StrideW;
                float acc = TReduce.Identity;
                for (int k = 0; k < kernel; k++)
                    acc = TReduce.Combine(start[k], acc);
                outRow[ox] = average ? acc / (rows * widths[ox]) : acc;
            }
        }

        /// <summary>evens[i] = row[2i], odds[i] = row[2i + 1] for 2i &lt; <paramref name="length"/> (rounded up to 16 with AVX2).</summary>
        void Split(float* row, int length, float* evens, float* odds)
        {
            int i = 0;
            if (vectorSplit)
            {
                for (; i < length; i += 16)
                {
                    var a = Vector256.Load(row + i);
                    var b = Vector256.Load(row + i + 8);
                    // shufps pairs within each 128-bit lane (a0 a2 b0 b2 | a4 a6 b4 b6); vpermpd puts the
                    // 64-bit pairs back in order (a0 a2 a4 a6 b0 b2 b4 b6).
                    var even = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
                    var odd = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
                    even.Store(evens + i / 2);
                    odd.Store(odds + i / 2);
                }
                return;
            }
            for (; i < length; i += 2)
            {
                evens[i >> 1] = row[i];
                odds[i >> 1] = row[i + 1];
            }
        }
    }
}
