using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// A small persistent pool for per-layer parallel loops. <see cref="For{TJob}(int, TJob)"/> hands indices out
/// to its worker threads and to the calling thread, which works too, and returns when all are done.
/// A call allocates nothing: the job is a struct read through a pointer (it stays on the caller's
/// stack until the call returns), and idle workers spin briefly before they block, so the next
/// layer's loop starts without a kernel wake-up. The caller never waits for a worker that has not
/// started: when it runs out of indices it closes the loop and waits only for the workers that
/// joined it; one that wakes later finds it closed and leaves the job alone. So a worker that the
/// OS has not scheduled (a busy machine) costs nothing but its share of the parallelism.
/// </summary>
internal sealed unsafe class WorkerPool : IDisposable
{
    // Workers spin this long after a loop before they block: longer than the gap between two
    // layers of a forward pass, short enough not to burn a core when the model is idle.
    // The spin is pause instructions, not yields: a 2-vCPU VM can be one core's two hyperthreads,
    // and a sibling making sched_yield calls slowed the other thread's layers more (measured on
    // MobileNetV2 with 2 threads: median 10.0 -> 9.9 ms over 8 alternating runs, the fast runs
    // 8.8-9.0 -> 8.0-9.2 and the slow ones 11.0-12.7 -> 10.6-11.4). Past SpinTicks the waiter blocks,
    // which bounds what it takes from a thread it waits for on a busy machine.
    static readonly long SpinTicks = Stopwatch.Frequency / 2000; // 0.5 ms
    const int Closed = -(1 << 30);

    readonly Thread[] _workers;
    readonly object _gate = new();

    void* _state;
    delegate*<void*, int, void> _run;
    int _count;
    int _next;
    int _joined;   // workers in the current loop; Closed is added when the caller closes it
    int _finished; // workers that joined and are done
    int _generation;
    int _sleepers;
    int _callerWaiting;
    int _busy;
    volatile bool _disposed;
    ExceptionDispatchInfo? _error;

    /// <param name="threadCount">Threads that work on a loop, the caller included (1 = no workers).</param>
    public WorkerPool(int threadCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ThreadCount = threadCount;
        _workers = new Thread[threadCount - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new Thread(WorkerLoop) { IsBackground = true, Name = $"CaffeNet worker {i + 1}" };
            _workers[i].Start();
        }
    }

    public int ThreadCount { get; }

    /// <summary>Runs <c>job.Execute(i)</c> for i in [0, count): over <paramref name="pool"/>, or serially without one.</summary>
    public static void For<TJob>(WorkerPool? pool, int count, TJob job) where TJob : struct, IParallelJob
    {
        if (pool is null)
        {
            for (int i = 0; i < count; i++)
                job.Execute(i);
        }
        else
        {
            pool.For(count, job);
        }
    }

    /// <summary>
    /// Runs <c>job.Execute(i)</c> for i in [0, count), spread over the pool, and waits for all.
    /// Indices are handed out one at a time in order, so uneven pieces balance themselves. A call
    /// made while the pool is busy (from a job, or from another thread) runs serially instead.
    /// </summary>
    public void For<TJob>(int count, TJob job) where TJob : struct, IParallelJob
    {
        if (count <= 0)
            return;
        if (count == 1 || _workers.Length == 0 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++)
                job.Execute(i);
            return;
        }
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            // `job` is this frame's own copy, so its address is stable until we return.
            _state = Unsafe.AsPointer(ref job);
            _run = &Run<TJob>;
            _count = count;
            _next = 0;
            _finished = 0;
            Interlocked.Exchange(ref _joined, 0);
            Interlocked.Increment(ref _generation);
            if (Volatile.Read(ref _sleepers) > 0)
                lock (_gate) Monitor.PulseAll(_gate);
            Work();
            WaitForWorkers();
            _state = null;
            var error = _error;
            _error = null;
            error?.Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    static void Run<TJob>(void* state, int index) where TJob : struct, IParallelJob =>
        Unsafe.AsRef<TJob>(state).Execute(index);

    void Work()
    {
        int count = _count;
        var run = _run;
        void* state = _state;
        int i;
        while ((i = Interlocked.Increment(ref _next) - 1) < count)
        {
            try
            {
                run(state, i);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
            }
        }
    }

    void WaitForWorkers()
    {
        int joined = Interlocked.Add(ref _joined, Closed) - Closed;
        long start = Stopwatch.GetTimestamp();
        while (Volatile.Read(ref _finished) != joined)
        {
            if (Spin(start))
                continue;
            lock (_gate)
            {
                Interlocked.Exchange(ref _callerWaiting, 1);
                while (Volatile.Read(ref _finished) != joined)
                    Monitor.Wait(_gate);
                Interlocked.Exchange(ref _callerWaiting, 0);
            }
        }
    }

    /// <summary>One step of waiting that started at <paramref name="start"/>; false once it is time to block.</summary>
    static bool Spin(long start)
    {
        if (Stopwatch.GetTimestamp() - start >= SpinTicks)
            return false;
        Thread.SpinWait(32);
        return true;
    }

    void WorkerLoop()
    {
        int seen = 0;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            while (Volatile.Read(ref _generation) == seen && !_disposed)
            {
                if (Spin(start))
                    continue;
                lock (_gate)
                {
                    // Counted before the check so that a new loop either is seen here or pulses us.
                    Interlocked.Increment(ref _sleepers);
                    while (Volatile.Read(ref _generation) == seen && !_disposed)
                        Monitor.Wait(_gate);
                    Interlocked.Decrement(ref _sleepers);
                }
            }
            if (_disposed)
                return;
            seen = Volatile.Read(ref _generation);
            // Join only an open loop: a closed one's job may already be gone from the caller's stack.
            // (Joining a newer loop than `seen` is fine: it is open, so its state is set.)
            if (Interlocked.Increment(ref _joined) <= 0)
                continue;
            Work();
            Interlocked.Increment(ref _finished);
            if (Volatile.Read(ref _callerWaiting) != 0)
                lock (_gate) Monitor.PulseAll(_gate);
        }
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        lock (_gate) Monitor.PulseAll(_gate);
        foreach (var worker in _workers)
            worker.Join();
    }
}
