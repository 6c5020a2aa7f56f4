using System.Runtime.Intrinsics;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// MAX or AVE pooling of a channel-blocked tensor into a blocked tensor, with Caffe's rules as the
/// reference kernel has them: each window clipped to the image, MAX starting at -FLT_MAX and taking
/// a value only when it is greater, AVE dividing by the window clipped to the padded image. A
/// pixel's block is one vector, so every tap of a window is one load for all its channels, and
/// padding lanes (zero) stay zero. Runs of output rows run in parallel on a <see cref="WorkerPool"/>
/// (<see cref="WorkSplit"/>: a few per thread, none for a small layer).
/// </summary>
internal static unsafe class BlockedPool
{
    /// <summary>
    /// Pools <paramref name="batch"/> images of <paramref name="channels"/> blocked channels of
    /// <paramref name="height"/> x <paramref name="width"/> into <paramref name="outHeight"/> x
    /// <paramref name="outWidth"/> with the window of <paramref name="p"/> (already resolved for
    /// global pooling: its kernel is the image).
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int height, int width,
        int outHeight, int outWidth, in PoolingParams p, int block, WorkerPool? pool)
    {
        BlockedIo.CheckBlock(block);
        if (p.KernelH < 1 || p.KernelW < 1 || p.StrideH < 1 || p.StrideW < 1 || p.PadH < 0 || p.PadW < 0)
            throw new ArgumentException($"pooling window {p.KernelH}x{p.KernelW} stride {p.StrideH}x{p.StrideW} pad {p.PadH}x{p.PadW} is not valid");
        long planes = (long)batch * ((channels + block - 1) / block);
        if (input.Length < planes * height * width * block || output.Length < planes * outHeight * outWidth * block)
            throw new ArgumentException($"blocked pooling: tensors of {batch}x{channels}x{height}x{width} (block {block}) are too short");
        if (planes == 0 || outHeight == 0 || outWidth == 0)
            return;
        fixed (float* src = input)
        fixed (float* dst = output)
        {
            long rows = planes * outHeight;
            // A window's taps are a load and a max (or add) each.
            int tasks = WorkSplit.Tasks(pool, rows, (double)outWidth * p.KernelH * p.KernelW);
            var geometry = new Geometry(src, dst, height, width, outHeight, outWidth, p, rows, tasks);
            bool max = p.Method == PoolingMethod.Max;
            if (block == 16)
            {
                if (max) WorkerPool.For(pool, tasks, new Job<Lanes512, Vector512<float>, MaxOf>(geometry));
                else WorkerPool.For(pool, tasks, new Job<Lanes512, Vector512<float>, MeanOf>(geometry));
            }
            else
            {
                if (max) WorkerPool.For(pool, tasks, new Job<Lanes256, Vector256<float>, MaxOf>(geometry));
                else WorkerPool.For(pool, tasks, new Job<Lanes256, Vector256<float>, MeanOf>(geometry));
            }
        }
    }

    readonly struct Geometry(float* src, float* dst, int height, int width, int outHeight, int outWidth, PoolingParams p, long rows, int tasks)
    {
        public readonly long Rows = rows;
        public readonly int Tasks = tasks;
        public readonly float* Src = src, Dst = dst;
        public readonly int Height = height, Width = width, OutHeight = outHeight, OutWidth = outWidth;
        public readonly PoolingParams P = p;
    }

    /// <summary>How a window's values combine, and what the result is divided by.</summary>
    interface IWindow
    {
        static abstract float Identity { get; }

        static abstract bool Average { get; }

        static abstract TVec Combine<TLanes, TVec>(TVec value, TVec acc) where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged;
    }

    readonly struct MaxOf : IWindow
    {
        public static float Identity => -float.MaxValue;

        public static bool Average => false;

        public static TVec Combine<TLanes, TVec>(TVec value, TVec acc) where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged =>
            TLanes.Max(value, acc);
    }

    readonly struct MeanOf : IWindow
    {
        public static float Identity => 0f;

        public static bool Average => true;

        public static TVec Combine<TLanes, TVec>(TVec value, TVec acc) where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged =>
            TLanes.Add(acc, value);
    }

    /// <summary>Task i: a contiguous run of output rows (of block planes, images outermost).</summary>
    readonly struct Job<TLanes, TVec, TWindow>(Geometry g) : IParallelJob
        where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged where TWindow : struct, IWindow
    {
        public void Execute(int task)
        {
            long end = WorkSplit.First(task + 1, g.Tasks, g.Rows);
            for (long row = WorkSplit.First(task, g.Tasks, g.Rows); row < end; row++)
                Row(row);
        }

        void Row(long index)
        {
            int c = TLanes.Count, height = g.Height, width = g.Width;
            var p = g.P;
            long plane = index / g.OutHeight;
            int oy = (int)(index % g.OutHeight);
            float* image = g.Src + (long)plane * height * width * c;
            float* result = g.Dst + ((long)plane * g.OutHeight + oy) * g.OutWidth * c;
            int y0 = oy * p.StrideH - p.PadH;
            int yStart = Math.Max(y0, 0), yEnd = Math.Min(y0 + p.KernelH, height);
            // Caffe's divisor: the window clipped to the padded image, not to the image.
            int rows = Math.Min(y0 + p.KernelH, height + p.PadH) - y0;
            for (int ox = 0; ox < g.OutWidth; ox++)
            {
                int x0 = ox * p.StrideW - p.PadW;
                int xStart = Math.Max(x0, 0), xEnd = Math.Min(x0 + p.KernelW, width);
                var acc = TLanes.Splat(TWindow.Identity);
                for (int y = yStart; y < yEnd; y++)
                {
                    float* row = image + (long)y * width * c;
                    for (int x = xStart; x < xEnd; x++)
                        acc = TWindow.Combine<TLanes, TVec>(TLanes.Load(row + (long)x * c), acc);
                }
                if (TWindow.Average)
                {
                    int columns = Math.Min(x0 + p.KernelW, width + p.PadW) - x0;
                    // Divided as Caffe divides (a reciprocal would round differently).
                    acc = TLanes.Divide(acc, TLanes.Splat(rows * columns));
                }
                TLanes.Store(acc, result + (long)ox * c);
            }
        }
    }
}
