using System.Numerics;
using System.Runtime.CompilerServices;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// MAX pooling without the mask output, in two separable passes per output row: the maximum down
/// each column of the row's window (whole rows of vectors), then across each window of that row.
/// The reference kernel visits every tap of every window through bounds-checked spans; on
/// SqueezeNet's 3x3 stride-2 pools this is about ten times faster.
/// A maximum does not depend on the order it is taken in, so the values equal the reference's:
/// both start from -FLT_MAX and take a value only when it is strictly greater, so NaNs are skipped
/// the same way (only the sign of a zero maximum may differ, where +0 and -0 tie).
/// </summary>
static unsafe class MaxPool
{
    const int MaxStackColumns = 8192;

    /// <summary>
    /// Pools <paramref name="planes"/> planes of <paramref name="height"/> x <paramref name="width"/>
    /// into planes of <paramref name="outHeight"/> x <paramref name="outWidth"/>; the window (kernel,
    /// stride, pad) is <paramref name="p"/>'s, already resolved for global pooling.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int planes, int height, int width,
        int outHeight, int outWidth, in PoolingParams p, WorkerPool? pool = null)
    {
        if (input.Length < (long)planes * height * width || output.Length < (long)planes * outHeight * outWidth)
            throw new ArgumentException("MaxPool: the spans are shorter than the planes they hold");
        fixed (float* src = input)
        fixed (float* dst = output)
        {
            var job = new Job(src, dst, height, width, outHeight, outWidth, p);
            if (pool is null)
            {
                for (int i = 0; i < planes; i++)
                    job.Execute(i);
            }
            else
            {
                pool.For(planes, job);
            }
        }
    }

    readonly struct Job(float* src, float* dst, int height, int width, int outHeight, int outWidth, PoolingParams p) : IParallelJob
    {
        public void Execute(int plane)
        {
            // One row of column maxima: on the stack for any usual width, pinned on the heap past that.
            // Twice the width: the row, then its even and odd columns for stride 2.
            float[]? heap = width > MaxStackColumns ? GC.AllocateUninitializedArray<float>(2 * width + 2, pinned: true) : null;
            float* stack = stackalloc float[heap is null ? 2 * width + 2 : 0];
            float* colMax = heap is null ? stack : (float*)Unsafe.AsPointer(ref heap[0]);
            float* image = src + (long)plane * height * width;
            float* result = dst + (long)plane * outHeight * outWidth;
            for (int oy = 0; oy < outHeight; oy++)
            {
                int y0 = oy * p.StrideH - p.PadH;
                int yStart = Math.Max(y0, 0), yEnd = Math.Min(y0 + p.KernelH, height);
                ColumnMax(image, width, yStart, yEnd, colMax);
                RowMax(colMax, colMax + width, width, result + (long)oy * outWidth, outWidth, p);
            }
        }
    }

    /// <summary>colMax[x] = the maximum of column x over rows [yStart, yEnd), from -FLT_MAX.</summary>
    static void ColumnMax(float* image, int width, int yStart, int yEnd, float* colMax)
    {
        int x = 0;
        var floor = new Vector<float>(-float.MaxValue);
        for (; x <= width - Vector<float>.Count; x += Vector<float>.Count)
        {
            var best = floor;
            for (int y = yStart; y < yEnd; y++)
                best = Greater(Vector.Load(image + (long)y * width + x), best);
            best.Store(colMax + x);
        }
        for (; x < width; x++)
        {
            float best = -float.MaxValue;
            for (int y = yStart; y < yEnd; y++)
            {
                float v = image[(long)y * width + x];
                if (v > best)
                    best = v;
            }
            colMax[x] = best;
        }
    }

    /// <summary>Each output column's window over the column maxima, clipped to the image.</summary>
    static void RowMax(float* colMax, float* split, int width, float* outRow, int outWidth, in PoolingParams p)
    {
        int ox = 0;
        if (p.StrideW == 2 && width >= 2 * Vector<float>.Count)
            ox = RowMaxStride2(colMax, split, width, outRow, outWidth, p);
        else if (p.StrideW == 1)
        {
            // Windows wholly inside the row: one vector of outputs per tap.
            int first = Math.Min(p.PadW, outWidth);
            ox = first;
            for (int ox0 = 0; ox0 < first; ox0++)
                outRow[ox0] = ClippedMax(colMax, width, ox0 - p.PadW, p.KernelW);
            for (; ox + Vector<float>.Count <= outWidth && ox - p.PadW + Vector<float>.Count - 1 + p.KernelW <= width; ox += Vector<float>.Count)
            {
                float* start = colMax + ox - p.PadW;
                var best = new Vector<float>(-float.MaxValue);
                for (int k = 0; k < p.KernelW; k++)
                    best = Greater(Vector.Load(start + k), best);
                best.Store(outRow + ox);
            }
        }
        for (; ox < outWidth; ox++)
            outRow[ox] = ClippedMax(colMax, width, ox * p.StrideW - p.PadW, p.KernelW);
    }

    /// <summary>
    /// Stride 2 on the row split into even and odd columns: tap k of output x reads column
    /// 2x - pad + k, which is column x + (k - pad) / 2 (rounded down) of the evens or the odds, so
    /// each tap is one vector load. Returns the first output column it did not write: the windows
    /// clipped at the right edge, and at the left where the padding pushes a tap before column 0.
    /// </summary>
    static int RowMaxStride2(float* colMax, float* split, int width, float* outRow, int outWidth, in PoolingParams p)
    {
        int half = (width + 1) / 2;
        float* evens = split, odds = split + half;
        for (int x = 0; x < width; x++)
            (((x & 1) == 0) ? evens : odds)[x >> 1] = colMax[x];
        int first = (p.PadW + 1) / 2;
        for (int ox = 0; ox < Math.Min(first, outWidth); ox++)
            outRow[ox] = ClippedMax(colMax, width, 2 * ox - p.PadW, p.KernelW);
        int count = Vector<float>.Count;
        int ox2 = first;
        // The last column the vector reads, 2(ox + count - 1) - pad + kernel - 1, must be in the row.
        for (; ox2 + count <= outWidth && 2 * (ox2 + count - 1) - p.PadW + p.KernelW <= width; ox2 += count)
        {
            var best = new Vector<float>(-float.MaxValue);
            for (int k = 0; k < p.KernelW; k++)
            {
                int d = k - p.PadW;
                float* source = (d & 1) == 0 ? evens : odds;
                best = Greater(Vector.Load(source + ox2 + (d >> 1)), best);
            }
            best.Store(outRow + ox2);
        }
        return ox2;
    }

    static float ClippedMax(float* colMax, int width, int x0, int kernel)
    {
        float best = -float.MaxValue;
        int end = Math.Min(x0 + kernel, width);
        for (int x = Math.Max(x0, 0); x < end; x++)
        {
            if (colMax[x] > best)
                best = colMax[x];
        }
        return best;
    }

    /// <summary>v where v &gt; best, else best: NaN never wins, as in the reference.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Vector<float> Greater(Vector<float> v, Vector<float> best) =>
        Vector.ConditionalSelect(Vector.GreaterThan(v, best), v, best);
}
