using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

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
/// <para>
/// The indices are cut into one contiguous range per thread (the caller first, then the workers in
/// a fixed order), and each thread takes its own range from the front before it takes others' from
/// the back. A kernel whose task i covers the i-th part of the image (<see cref="WorkSplit"/>)
/// then has each thread work on the same part of every layer, so a layer mostly reads what the
/// same core wrote in the layer before, from its own cache; and a thread's hand-out touches a
/// cache line no other thread writes until it runs dry. Handing indices out one at a time from
/// one shared counter made both threads fetch the counter and the data from each other's cache at
/// every task, which cost more than the second thread saved on MobileNetV2's layers.
/// </para>
/// </summary>
internal sealed unsafe class WorkerPool : IDisposable
{
    // Workers spin this long after a loop before they block: longer than the gap between two
    // layers of a forward pass, short enough not to burn a core when the model is idle. For the
    // first PauseTicks the spin is pause instructions, so the next layer's loop starts at once;
    // after that each step yields the CPU. On a busy machine the worker and the caller often share
    // one CPU, and a worker spinning on pauses took half of the caller's time: MobileNetV2 at batch
    // 1 on a 2-vCPU EPYC under load 15-25 ran 1.7-1.9x slower on 2 threads than on 1 (medians
    // over 15 alternating rounds), 0.97-1.03x with the yields. (These vCPUs are not one core's
    // hyperthreads: a cache line takes about 400 ns to go there and back.) Past SpinTicks the
    // waiter blocks, which bounds what it takes from a thread it waits for on a busy machine.
    static readonly long SpinTicks = Stopwatch.Frequency / 2000; // 0.5 ms
    static readonly long PauseTicks = Stopwatch.Frequency / 100_000; // 10 us
    const int Closed = -(1 << 30);

    readonly Thread[] _workers;
    readonly Range[] _ranges;
    readonly object _gate = new();

    void* _state;
    delegate*<void*, int, void> _run;
    int _joined;   // workers in the current loop; Closed is added when the caller closes it
    int _finished; // workers that joined and are done
    int _generation;
    int _sleepers;
    int _callerWaiting;
    int _busy;
    volatile bool _disposed;
    ExceptionDispatchInfo? _error;

    /// <param name="threadCount">Threads that work on a loop, the caller included (1 = no workers).</param>
    /// <param name="minTaskWork">The least work a kernel gives a task (<see cref="WorkSplit"/>); tests set 1 to split every layer.</param>
    public WorkerPool(int threadCount, double minTaskWork = WorkSplit.MinTaskWork)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threadCount, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minTaskWork);
        ThreadCount = threadCount;
        MinTaskWork = minTaskWork;
        _ranges = new Range[threadCount];
        _workers = new Thread[threadCount - 1];
        for (int i = 0; i < _workers.Length; i++)
        {
            int self = i + 1;
            _workers[i] = new Thread(() => WorkerLoop(self)) { IsBackground = true, Name = $"CaffeNet worker {self}" };
            _workers[i].Start();
        }
    }

    public int ThreadCount { get; }

    /// <summary>The least work, in vector FMAs, that <see cref="WorkSplit.Tasks"/> gives a task on this pool.</summary>
    public double MinTaskWork { get; }

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
    /// Thread t (the caller is 0) starts on the t-th of <see cref="ThreadCount"/> contiguous ranges
    /// of indices, and a thread that finishes early takes the last indices of the others' ranges,
    /// so uneven pieces still balance. A call made while the pool is busy (from a job, or from
    /// another thread) runs serially instead.
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
            int parts = Math.Min(ThreadCount, count);
            for (int t = 0; t < _ranges.Length; t++)
            {
                _ranges[t].Bounds = t < parts
                    ? Range.Pack((int)((long)count * t / parts), (int)((long)count * (t + 1) / parts))
                    : 0;
            }
            _finished = 0;
            Interlocked.Exchange(ref _joined, 0);
            Interlocked.Increment(ref _generation);
            if (Volatile.Read(ref _sleepers) > 0)
                lock (_gate) Monitor.PulseAll(_gate);
            Work(0);
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

    /// <summary>Thread <paramref name="self"/>'s share: its own range from the front, then the others' from the back.</summary>
    void Work(int self)
    {
        var run = _run;
        void* state = _state;
        int i;
        while ((i = _ranges[self].TakeFirst()) >= 0)
            Execute(run, state, i);
        for (int k = 1; k < _ranges.Length; k++)
        {
            ref var other = ref _ranges[(self + k) % _ranges.Length];
            while ((i = other.TakeLast()) >= 0)
                Execute(run, state, i);
        }
    }

    void Execute(delegate*<void*, int, void> run, void* state, int index)
    {
        try
        {
            run(state, index);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);
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
        long waited = Stopwatch.GetTimestamp() - start;
        if (waited >= SpinTicks)
            return false;
        if (waited < PauseTicks)
            Thread.SpinWait(32);
        else
            Thread.Yield();
        return true;
    }

    void WorkerLoop(int self)
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
            Work(self);
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

    /// <summary>
    /// One thread's indices [first, end), packed in one long so both ends move by compare-and-swap;
    /// 128 bytes apart, so one thread's hand-out does not evict another's line (nor its prefetched neighbour).
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    struct Range
    {
        [FieldOffset(64)] public long Bounds;

        public static long Pack(int first, int end) => (long)end << 32 | (uint)first;

        /// <summary>The first index left, or -1 when none is.</summary>
        public int TakeFirst()
        {
            long seen = Volatile.Read(ref Bounds);
            while (true)
            {
                int first = (int)seen, end = (int)(seen >> 32);
                if (first >= end)
                    return -1;
                long was = Interlocked.CompareExchange(ref Bounds, Pack(first + 1, end), seen);
                if (was == seen)
                    return first;
                seen = was;
            }
        }

        /// <summary>The last index left, or -1 when none is.</summary>
        public int TakeLast()
        {
            long seen = Volatile.Read(ref Bounds);
            while (true)
            {
                int first = (int)seen, end = (int)(seen >> 32);
                if (first >= end)
                    return -1;
                long was = Interlocked.CompareExchange(ref Bounds, Pack(first, end - 1), seen);
                if (was == seen)
                    return end - 1;
                seen = was;
            }
        }
    }
}
