using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class WorkerPoolTests
{
    struct CountJob(int[] hits) : IParallelJob
    {
        public readonly void Execute(int index) => Interlocked.Increment(ref hits[index]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_index_runs_exactly_once(int threads)
    {
        using var pool = new WorkerPool(threads);
        foreach (int count in new[] { 0, 1, 2, 5, 1000 })
        {
            var hits = new int[count];
            pool.For(count, new CountJob(hits));
            Assert.All(hits, h => Assert.Equal(1, h));
        }
    }

    [Fact]
    public void Back_to_back_loops_and_loops_after_idle_gaps_all_complete()
    {
        // Short gaps keep the workers spinning; the 5 ms gaps let them block and be woken again.
        using var pool = new WorkerPool(2);
        var hits = new int[64];
        for (int round = 0; round < 1000; round++)
        {
            pool.For(hits.Length, new CountJob(hits));
            if (round % 250 == 249)
                Thread.Sleep(5);
        }
        Assert.All(hits, h => Assert.Equal(1000, h));
    }

    struct ThrowingJob : IParallelJob
    {
        public readonly void Execute(int index)
        {
            if (index == 3)
                throw new InvalidOperationException("job 3 failed");
        }
    }

    [Fact]
    public void An_exception_in_a_job_reaches_the_caller_and_the_pool_goes_on()
    {
        using var pool = new WorkerPool(2);
        var e = Assert.Throws<InvalidOperationException>(() => pool.For(8, new ThrowingJob()));
        Assert.Equal("job 3 failed", e.Message);
        var hits = new int[8];
        pool.For(8, new CountJob(hits));
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    struct NestedJob(WorkerPool pool, int[] hits) : IParallelJob
    {
        public readonly void Execute(int index) => pool.For(4, new CountJob(hits));
    }

    [Fact]
    public void A_loop_started_inside_a_job_runs_serially()
    {
        using var pool = new WorkerPool(2);
        var hits = new int[4];
        pool.For(3, new NestedJob(pool, hits));
        Assert.All(hits, h => Assert.Equal(3, h));
    }

    [Fact]
    public void A_disposed_pool_refuses_work()
    {
        var pool = new WorkerPool(2);
        pool.Dispose();
        Assert.Throws<ObjectDisposedException>(() => pool.For(2, new CountJob(new int[2])));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WorkerPool(0));
    }
}
