using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

[CollectionDefinition(nameof(AllocationTests), DisableParallelization = true)]
public class AllocationCollection;

/// <summary>
/// The kernels must not allocate in steady state (a forward pass runs them hundreds of times): not
/// one byte, counted on every thread that runs them, the caller's and the pool's. (Process-wide
/// counts are no use here: the test host's own threads allocate hundreds of KB a second.)
/// </summary>
[Collection(nameof(AllocationTests))]
public class AllocationTests
{
    /// <summary>Records each pool thread's allocation counter: one index per thread, held at a barrier.</summary>
    struct ReadCounters(int[] arrived, int threads, long[] bytes, int[] ids) : IParallelJob
    {
        public readonly void Execute(int index)
        {
            Interlocked.Increment(ref arrived[0]);
            while (Volatile.Read(ref arrived[0]) < threads)
                Thread.SpinWait(10);
            bytes[index] = GC.GetAllocatedBytesForCurrentThread();
            ids[index] = Environment.CurrentManagedThreadId;
        }
    }

    static Dictionary<int, long> Counters(WorkerPool pool)
    {
        var bytes = new long[pool.ThreadCount];
        var ids = new int[pool.ThreadCount];
        pool.For(pool.ThreadCount, new ReadCounters(new int[1], pool.ThreadCount, bytes, ids));
        Assert.Equal(pool.ThreadCount, ids.Distinct().Count());
        return ids.Zip(bytes).ToDictionary(p => p.First, p => p.Second);
    }

    static void AssertNoAllocation(WorkerPool pool, Action call)
    {
        // Warm-up allocates: tiered JIT compilation while it recompiles hot methods (after 30 calls
        // and a 100 ms delay, longer on a loaded machine), and each pool thread's scratch the first
        // time it gets a piece of the work, which with few pieces may be many calls in. So windows
        // of 200 calls, with pauses between them, until one allocates nothing on any thread; a call
        // that allocates every time fails every window.
        long bytes = 0;
        for (int window = 0; window < 10; window++)
        {
            bytes = Allocated(pool, call, 200);
            if (bytes == 0 && window >= 2)
                return;
            Thread.Sleep(200);
        }
        Assert.Fail($"every window of 200 calls allocated, the last {bytes} bytes");
    }

    /// <summary>Bytes allocated by the caller and the pool's threads over <paramref name="calls"/> calls.</summary>
    static long Allocated(WorkerPool pool, Action call, int calls)
    {
        var before = Counters(pool);
        long caller = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < calls; i++)
            call();
        long total = GC.GetAllocatedBytesForCurrentThread() - caller;
        var after = Counters(pool);
        // The caller's counter moves in Counters itself; it was read just above.
        foreach (var (thread, count) in before.Where(t => t.Key != Environment.CurrentManagedThreadId))
            total += after[thread] - count;
        return total;
    }

    [Fact]
    public void A_call_that_allocates_every_time_is_caught()
    {
        using var pool = new WorkerPool(2);
        var e = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertNoAllocation(pool, () => GC.KeepAlive(new byte[64])));
        Assert.Contains("allocated", e.Message);
    }

    [Fact]
    public void Sgemm_allocates_nothing_per_call()
    {
        int m = 40, n = 300, k = 70;
        var packed = PackedMatrix.Pack(Reference.Random(m * k, 1), m, k, k);
        var b = Reference.Random(k * n, 2);
        var bias = Reference.Random(m, 3);
        var residual = Reference.Random(m * n, 4);
        var c = new float[m * n];
        using var pool = new WorkerPool(2);
        AssertNoAllocation(pool, () => Sgemm.Multiply(packed, b, n, c, n, n, bias, residual, n, Activation.Relu, pool: pool));
        AssertNoAllocation(pool, () => Sgemm.Multiply(packed, b, n, c, n, n));
        var a = Reference.Random(m * k, 5);
        AssertNoAllocation(pool, () => Sgemm.Multiply(a, k, m, k, b, n, c, n, n, pool: pool));
    }

    [Theory]
    [InlineData(29, 31, 1)]
    [InlineData(29, 31, 2)]
    [InlineData(13, 13, 2)] // small stride-2 planes take the channel-block path
    public void Depthwise_allocates_nothing_per_call(int h, int w, int stride)
    {
        int channels = 24;
        var input = Reference.Random(channels * h * w, 6);
        var weights = Reference.Random(channels * 9, 7);
        var bias = Reference.Random(channels, 8);
        var output = new float[channels * h * w];
        using var pool = new WorkerPool(2);
        var window = ConvWindow.Square(3, stride, 1);
        AssertNoAllocation(pool, () => DepthwiseConv.Forward(input, output, 1, channels, h, w, weights, bias, window, Activation.Relu, pool));
    }
}
