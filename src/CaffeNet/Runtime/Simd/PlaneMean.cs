using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// The mean of each whole plane: AVE pooling whose window is the plane with no padding (global
/// pooling, as before MobileNetV2's classifier). The reference kernel adds one value at a time
/// through bounds-checked spans, four times slower on 1280 planes of 7x7; this sums with vectors,
/// so the order of additions, and the last bits of a mean, differ from it.
/// </summary>
internal static unsafe class PlaneMean
{
    /// <summary>Work below this many input floats runs on the calling thread: a parallel loop costs more.</summary>
    const long ParallelMinFloats = 32 * 1024;

    /// <summary>Planes go to the pool's threads in this many pieces per thread, so uneven ones balance.</summary>
    const int PiecesPerThread = 4;

    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int planes, int planeSize, WorkerPool? pool = null) =>
        Forward(SimdPaths.Best, input, output, planes, planeSize, pool);

    internal static void Forward(SimdPath path, ReadOnlySpan<float> input, Span<float> output, int planes, int planeSize,
        WorkerPool? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(planes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(planeSize, 1);
        if (input.Length < (long)planes * planeSize)
            throw new ArgumentException($"{planes} planes of {planeSize} need more than {input.Length} floats", nameof(input));
        if (output.Length < planes)
            throw new ArgumentException($"{planes} means need more than {output.Length} floats", nameof(output));
        int pieces = pool is null || (long)planes * planeSize < ParallelMinFloats
            ? 1 : Math.Min(planes, PiecesPerThread * pool.ThreadCount);
        fixed (float* src = input)
        fixed (float* dst = output)
        {
            var job = new Job(path, src, dst, planes, planeSize, pieces);
            if (pieces == 1)
                job.Execute(0);
            else
                pool!.For(pieces, job);
        }
    }

    readonly struct Job(SimdPath path, float* src, float* dst, int planes, int planeSize, int pieces) : IParallelJob
    {
        public void Execute(int piece)
        {
            int start = (int)((long)planes * piece / pieces), end = (int)((long)planes * (piece + 1) / pieces);
            for (int p = start; p < end; p++)
            {
                var plane = new ReadOnlySpan<float>(src + (long)p * planeSize, planeSize);
                // Divided, not multiplied by 1/size, as the reference divides.
                dst[p] = (path == SimdPath.Scalar ? SumScalar(plane) : Sum256(plane)) / planeSize;
            }
        }
    }

    static float Sum256(ReadOnlySpan<float> values)
    {
        var acc0 = Vector256<float>.Zero;
        var acc1 = Vector256<float>.Zero;
        int i = 0;
        for (; i <= values.Length - 16; i += 16)
        {
            acc0 += Vector256.Create(values.Slice(i, 8));
            acc1 += Vector256.Create(values.Slice(i + 8, 8));
        }
        if (i <= values.Length - 8)
        {
            acc0 += Vector256.Create(values.Slice(i, 8));
            i += 8;
        }
        float sum = Vector256.Sum(acc0 + acc1);
        for (; i < values.Length; i++)
            sum += values[i];
        return sum;
    }

    static float SumScalar(ReadOnlySpan<float> values)
    {
        float sum = 0;
        foreach (float v in values)
            sum += v;
        return sum;
    }
}
