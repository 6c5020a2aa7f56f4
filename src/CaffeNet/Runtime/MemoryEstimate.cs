using CaffeNet.Graph;

namespace CaffeNet.Runtime;

/// <summary>
/// Bytes a run allocates, by what they hold, worked out from shapes alone before anything is
/// allocated, for a <see cref="MemoryBudget"/> to check. Parts add with <c>+</c>.
/// </summary>
internal sealed record MemoryEstimate
{
    /// <summary>Input tensors (read from files or made up).</summary>
    public long Inputs { get; init; }

    /// <summary>The learnable blobs as float32 (<see cref="NetWeights"/>).</summary>
    public long Weights { get; init; }

    /// <summary>The fast path's copies of convolution and inner product weights: folded, packed or rearranged.</summary>
    public long FastPathWeights { get; init; }

    /// <summary>
    /// The buffers convolutions fold their weights into before rearranging them: from ArrayPool.Shared,
    /// one per power-of-two length, which stay in the pool (and may be there already).
    /// </summary>
    public long FoldBuffers { get; init; }

    /// <summary>The activation arena (<see cref="MemoryPlan"/>).</summary>
    public long Activations { get; init; }

    /// <summary>Working memory the kernels keep between calls, on every thread that runs them.</summary>
    public long Scratch { get; init; }

    /// <summary>Copies of outputs handed back, kept or written.</summary>
    public long Outputs { get; init; }

    public long Total => Inputs + Weights + FastPathWeights + FoldBuffers + Activations + Scratch + Outputs;

    /// <summary>The learnable blobs of every node of <paramref name="graph"/>, as <see cref="NetWeights.Resolve"/> makes them.</summary>
    public static MemoryEstimate ForWeights(NetGraph graph) =>
        new() { Weights = sizeof(float) * graph.Nodes.Sum(n => n.ParamShapes.Sum(s => s.Count)) };

    /// <summary>Float32 tensors of the given shapes.</summary>
    public static long TensorBytes(IEnumerable<Shape> shapes) => sizeof(float) * shapes.Sum(s => s.Count);

    public static MemoryEstimate operator +(MemoryEstimate a, MemoryEstimate b) => new()
    {
        Inputs = a.Inputs + b.Inputs,
        Weights = a.Weights + b.Weights,
        FastPathWeights = a.FastPathWeights + b.FastPathWeights,
        FoldBuffers = a.FoldBuffers + b.FoldBuffers,
        Activations = a.Activations + b.Activations,
        Scratch = a.Scratch + b.Scratch,
        Outputs = a.Outputs + b.Outputs,
    };

    /// <summary>The parts that are not zero: `weights 7.45 GiB, activations 352 KiB`.</summary>
    public override string ToString()
    {
        var parts = new (string Name, long Bytes)[]
        {
            ("inputs", Inputs), ("weights", Weights), ("fast-path weight copies", FastPathWeights), ("fold buffers", FoldBuffers),
            ("activations", Activations), ("kernel scratch", Scratch), ("outputs", Outputs),
        };
        return string.Join(", ", parts.Where(p => p.Bytes > 0).Select(p => $"{p.Name} {ByteSize.Format(p.Bytes)}"));
    }
}
