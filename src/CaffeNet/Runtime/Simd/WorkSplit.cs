namespace CaffeNet.Runtime.Simd;

/// <summary>
/// How a kernel cuts a layer into tasks for <see cref="WorkerPool.For{TJob}(WorkerPool?, int, TJob)"/>:
/// a few per thread, each a contiguous run of the kernel's units (output rows or pixel tiles with
/// every channel; or, on small planes with many channels, groups of output channel blocks over
/// every pixel; images outermost), so that task i covers the same part of the data in every
/// layer and the pool gives it to the same thread (see <see cref="WorkerPool"/>). A layer too small
/// for two tasks of <see cref="MinTaskWork"/> runs serially: starting a loop, waking the other
/// thread and moving the data it reads between the cores' caches costs microseconds, more than
/// half of a small layer.
/// </summary>
internal static class WorkSplit
{
    /// <summary>
    /// The least work worth a task, in vector FMAs (kernels that load more per FMA count those
    /// loads too): about 10 us on one core, so the few microseconds a split costs stay small.
    /// A pool can set another (<see cref="WorkerPool.MinTaskWork"/>).
    /// </summary>
    public const double MinTaskWork = 48 * 1024;

    /// <summary>Tasks per thread at most: enough for a thread that finishes early to take over part of another's.</summary>
    public const int TasksPerThread = 4;

    /// <summary>
    /// Tasks for <paramref name="units"/> units of <paramref name="workPerUnit"/> each: 1 without a
    /// pool or for a layer under two tasks of the pool's least work, else at most <see cref="TasksPerThread"/> per thread and a whole
    /// multiple of the threads where there are that many.
    /// </summary>
    public static int Tasks(WorkerPool? pool, long units, double workPerUnit)
    {
        if (pool is null || pool.ThreadCount <= 1 || units <= 1)
            return 1;
        int threads = pool.ThreadCount;
        double byWork = Math.Floor(units * workPerUnit / pool.MinTaskWork);
        long tasks = (long)Math.Min(Math.Min(units, (long)threads * TasksPerThread), byWork);
        if (tasks >= threads)
            tasks -= tasks % threads;
        return (int)Math.Max(1, tasks);
    }

    /// <summary>The first unit of task <paramref name="task"/> of <paramref name="tasks"/> over <paramref name="units"/> (task = tasks: the end).</summary>
    public static long First(int task, int tasks, long units) => units * task / tasks;

    /// <summary>
    /// The units of task <paramref name="task"/> as runs that stay within one image each, for units
    /// numbered image by image, <paramref name="perImage"/> to an image: (image, first, last) with
    /// last exclusive, counted within the image.
    /// </summary>
    public static ImageRuns Runs(int task, int tasks, long units, int perImage) =>
        new(First(task, tasks, units), First(task + 1, tasks, units), perImage);

    /// <summary>The enumerator of <see cref="Runs"/>: a struct, so a kernel's loop allocates nothing.</summary>
    internal struct ImageRuns(long unit, long end, int perImage)
    {
        long _unit = unit;

        public (int Image, int First, int Last) Current { get; private set; }

        public bool MoveNext()
        {
            if (_unit >= end)
                return false;
            int image = (int)(_unit / perImage), first = (int)(_unit % perImage);
            int last = (int)Math.Min(perImage, first + (end - _unit));
            Current = (image, first, last);
            _unit += last - first;
            return true;
        }

        public readonly ImageRuns GetEnumerator() => this;
    }
}
