using System.Numerics;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime;

/// <summary>The per-thread buffers of <see cref="Scratch"/>, one of each kind per thread.</summary>
enum ScratchKind { PackedB, PackedA, PaddedPlane, BlockedTile, InputRows, Columns, ReorderInput, ReorderResidual, ReorderOutput, PaddedInput, PartialSums, TransformedInput, TransformedOutput, ExpandedRows }

/// <summary>
/// The working memory a net's kernels keep between calls, added up for a memory estimate. Each
/// kind of <see cref="Scratch"/> buffer grows to the largest request and stays, on every thread that
/// runs kernels; the reference kernels' column buffers come from the shared ArrayPool, which keeps
/// one array per power-of-two size, and only the calling thread runs those kernels.
/// </summary>
sealed class ScratchEstimate
{
    /// <summary>ArrayPool.Shared pools arrays up to 2^30 elements; longer ones are allocated for each call.</summary>
    const long MaxPooledLength = 1L << 30;

    readonly long[] _perThread = new long[Enum.GetValues<ScratchKind>().Length];
    readonly HashSet<long> _pooled = [];
    readonly HashSet<long> _pooledDoubles = [];
    long _largestPerCall;

    public void PerThread(ScratchKind kind, long floats)
    {
        if (floats > 0)
            _perThread[(int)kind] = Math.Max(_perThread[(int)kind], Scratch.BufferFloats(floats));
    }

    /// <summary>A reference kernel's buffer rented from ArrayPool.Shared (rounded up to a power of two there).</summary>
    public void Pooled(long floats)
    {
        if (floats > 0)
            _pooled.Add(floats <= MaxPooledLength ? (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(floats, 16)) : floats);
    }

    /// <summary>The reference GEMM's double tile, rented from ArrayPool&lt;double&gt;.Shared.</summary>
    public void PooledDoubles(long doubles)
    {
        if (doubles > 0)
            _pooledDoubles.Add(doubles <= MaxPooledLength ? (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(doubles, 16)) : doubles);
    }

    /// <summary>A buffer a kernel allocates for one call and drops.</summary>
    public void PerCall(long floats) => _largestPerCall = Math.Max(_largestPerCall, floats);

    /// <summary>The largest single buffer asked for: it must fit one array.</summary>
    public long LargestFloats => Math.Max(_largestPerCall, Math.Max(_perThread.Max(), _pooled.Count == 0 ? 0 : _pooled.Max()));

    public long Bytes(int threads) =>
        (threads * _perThread.Sum() + _pooled.Sum() + _largestPerCall) * sizeof(float) + _pooledDoubles.Sum() * sizeof(double);
}
