namespace CaffeNet.Runtime;

/// <summary>How an <see cref="Executor"/> runs a graph.</summary>
internal sealed record ExecutorOptions
{
    /// <summary>Every layer as written on the reference kernels, one thread: each layer's output exists.</summary>
    public static ExecutorOptions Reference { get; } = new();

    /// <summary>The load-time passes and fast kernels on <paramref name="threads"/> threads.</summary>
    public static ExecutorOptions Fast(int threads = 1) => new() { Fuse = true, Threads = threads };

    /// <summary>
    /// Fold BatchNorm/Scale and activations into convolutions, skip test-time identities, and run
    /// convolutions and inner products on the SIMD kernels. Absorbed layers' outputs are not observed.
    /// </summary>
    public bool Fuse { get; init; }

    /// <summary>
    /// Channels to a block of the blocked layout the fused path keeps between its blocked kernels
    /// (<see cref="Graph.Passes.ChannelLayout"/>): the machine's vector width in floats (16 with
    /// AVX-512, 8 with AVX2), 8 or 16 to force one, 0 for NCHW throughout. Ignored unless fused.
    /// </summary>
    public int Block { get; init; } = Simd.BlockedIo.NativeBlock;

    /// <summary>Threads a layer's work is split over (the calling thread included).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>
    /// What the executor's own allocations (arena, fast-path weight copies, kernel scratch) are
    /// checked against before they are made; <see cref="MemoryBudget.Available"/> by default.
    /// </summary>
    public MemoryBudget Budget { get; init; } = MemoryBudget.Available;
}
