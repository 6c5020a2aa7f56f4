using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Runtime.Layers;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime;

/// <summary>
/// The part of an executor that does not change between forward passes: the graph, the fusion and
/// memory plans, and the layers with their weights bound (folded and packed on the fast path).
/// Immutable once built, so any number of <see cref="RunContext"/>s (each with its own arena) may
/// run it at once from different threads. Built-in layers keep no state between calls; a custom
/// layer may, so each context makes its own instance of those.
/// </summary>
sealed class CompiledNet
{
    /// <summary>A node that runs: the values it reads and writes (by id), and its layer unless each context makes its own.</summary>
    internal sealed record Step(Node Node, ILayer? Shared, int[] Inputs, int[] Outputs);

    /// <summary>A kept value and the step after which it is copied out (-1: once the inputs are in).</summary>
    internal sealed record KeptValue(Value Value, int After);

    /// <summary>
    /// How a net input can be read straight from the caller's floats: the values that live in its
    /// storage (itself first, then the tops of skipped identities such as Flatten) and each step slot
    /// that reads one of them.
    /// </summary>
    internal sealed record InputInPlace(int[] Values, (int Step, int Slot)[] Reads);

    /// <summary>
    /// Checks, before anything big is allocated, that the layers are supported and that what one
    /// context allocates (<see cref="Executor.EstimateMemory"/>) fits <see cref="ExecutorOptions.Budget"/>
    /// and .NET's largest array; each refusal is one CaffeNetException. <paramref name="pool"/>
    /// gives the fast kernels' worker threads (null: the calling thread only). Values in
    /// <paramref name="keep"/> stay observable: fusions that would fold them away are not made.
    /// </summary>
    public CompiledNet(NetGraph graph, NetWeights weights, ExecutorOptions options, Func<WorkerPool?> pool, IReadOnlyList<Value>? keep = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        Require.Runnable(graph);
        Graph = graph;
        Weights = weights;
        keep ??= [];
        Plan = PlanFor(graph, options, keep.ToHashSet());
        var running = graph.Nodes.Where(n => !Plan.Skips(n)).ToArray();
        foreach (var node in running.Where(n => Plan.FusionAt(n) is null))
            LayerFactory.RequireSupported(graph, node);
        Layout = options.Fuse ? ChannelLayout.For(graph, Plan, options.Block) : ChannelLayout.None;
        Memory = MemoryPlan.For(graph, Plan, Layout);
        var needs = ExecutorMemory.For(graph, Plan, Layout, Memory, options.Threads);
        var estimate = needs.Estimate + new MemoryEstimate { Outputs = MemoryEstimate.TensorBytes(keep.Select(v => v.Shape)) };
        options.Budget.Check(estimate, $"net {Excerpt.Name(graph.Name)}");
        if (!Memory.FitsOneArray)
            throw new CaffeNetException(
                $"net {Excerpt.Name(graph.Name)}: its activations need {ByteSize.Format(Memory.ArenaBytes)} at once, more than one .NET array can hold (8 GiB)");
        if (needs.LargestFloats > Array.MaxLength)
            throw new CaffeNetException(
                $"{needs.LargestOwner}: needs an array of {ByteSize.Format(needs.LargestFloats * sizeof(float))}, more than one .NET array can hold (8 GiB)");
        // The pool is asked for only once the checks have passed, so a refused net starts no threads.
        var workers = pool();
        Steps = [.. running.Select(n => BindStep(n, workers))];
        Kept = [.. keep.Distinct().Select(v => new KeptValue(v, CopyAfter(v)))];
        InputsInPlace = [.. graph.Inputs.Select(InPlace)];
    }

    /// <summary>What the passes fuse and skip under <paramref name="options"/> (nothing on the reference path).</summary>
    internal static FusionPlan PlanFor(NetGraph graph, ExecutorOptions options, IReadOnlySet<Value>? keep = null) =>
        // Chained pairs gained nothing at two threads (MobileNetV2, paired in-process), where their
        // tasks, one per thread so that few rows are expanded twice, leave no work to take over.
        options.Fuse ? GraphOptimizer.Plan(graph, keep, chain: options.Block >= 2 && options.Threads == 1) : FusionPlan.None;

    public NetGraph Graph { get; }

    public NetWeights Weights { get; }

    public FusionPlan Plan { get; }

    /// <summary>Which values live channel-blocked (<see cref="ChannelLayout.None"/> unfused).</summary>
    public ChannelLayout Layout { get; }

    public MemoryPlan Memory { get; }

    public IReadOnlyList<Step> Steps { get; }

    public IReadOnlyList<KeptValue> Kept { get; }

    /// <summary>For each net input (in <see cref="NetGraph.Inputs"/> order), how it is read in place, or null when it must be copied.</summary>
    public IReadOnlyList<InputInPlace?> InputsInPlace { get; }

    /// <summary>A new context: its own arena (and custom layer instances), ready to run this net.</summary>
    public RunContext CreateContext() => new(this);

    /// <summary>
    /// The layer for a step's node in a context: the shared one, or a new instance of a layer that
    /// keeps state between its forward and what is read after it (a custom layer, or one whose row
    /// count the data decides).
    /// </summary>
    internal ILayer LayerFor(Step step) => step.Shared ?? LayerFactory.For(step.Node, Weights.For(step.Node));

    /// <summary>The tensor shape a value's storage is seen with: a blocked value's channels rounded up to whole blocks.</summary>
    internal TensorShape ShapeOf(Value value)
    {
        if (!Layout.IsBlocked(value))
            return LayerFactory.ToTensorShape(value.Shape);
        var d = value.Shape.Dims;
        return new TensorShape([d[0], ChannelLayout.RoundUp(d[1], Layout.Block), d[2], d[3]]);
    }

    /// <summary>Whether a step's output at <paramref name="index"/> is blocked (then observers get an NCHW copy).</summary>
    internal bool OutputBlocked(Step step, int index) => Layout.IsBlocked(Graph.Values[step.Outputs[index]]);

    /// <summary>The layouts a fused node's tensors have under <paramref name="layout"/>.</summary>
    internal static BlockedIo IoOf(ChannelLayout layout, ConvFusion fusion) =>
        layout.Block == 0 ? default : new BlockedIo(layout.Block, layout.IsBlocked(fusion.Anchor.Inputs[0]),
            fusion.Residual is { } r && layout.IsBlocked(r), layout.IsBlocked(fusion.Result));

    /// <summary>A fused node reads its shortcut's other input too, and writes the fusion's result.</summary>
    Step BindStep(Node node, WorkerPool? pool)
    {
        var fusion = Plan.FusionAt(node);
        var inputs = fusion?.Residual is { } residual ? node.Inputs.Append(residual) : node.Inputs;
        var outputs = fusion is null ? node.Outputs : [fusion.Result];
        var layer = fusion is null && node.Rule is CustomDefinition ? null : Bind(node, fusion, pool);
        var shared = layer is IVariableOutput ? null : layer;
        return new Step(node, shared, [.. inputs.Select(v => v.Id)], [.. outputs.Select(v => v.Id)]);
    }

    ILayer Bind(Node node, ConvFusion? fusion, WorkerPool? pool)
    {
        if (fusion is null)
        {
            if (Memory.IsSliced(node))
                return new SlicedConcatLayer();
            return Layout.RunsBlocked(node)
                ? ((LayerDefinition)node.Rule!).CreateBlocked(node, Weights.For(node), Layout.Block, pool)
                : LayerFactory.For(node, Weights.For(node), pool);
        }
        try
        {
            if (node.Type == "InnerProduct")
                return new FusedInnerProductLayer(fusion, Weights, pool);
            return fusion.Depthwise is null
                ? new FusedConvolutionLayer(fusion, Weights, pool, IoOf(Layout, fusion))
                : new FusedExpandDepthwiseLayer(fusion, Weights, pool, IoOf(Layout, fusion));
        }
        catch (CaffeNetException e) when (!e.Message.StartsWith("layer '", StringComparison.Ordinal))
        {
            throw new CaffeNetException($"{Excerpt.Layer(node.Name, node.Type)}: {e.Message}", e);
        }
    }

    /// <summary>
    /// A net input can be read in place, with no copy, unless a step writes its storage (a layer
    /// working in place on it would write into the caller's floats) or the net returns that storage
    /// (read after the run, when the caller's floats are no longer pinned). Net inputs are never blocked.
    /// </summary>
    InputInPlace? InPlace(Value input)
    {
        if (!input.Shape.IsComplete || Layout.IsBlocked(input))
            return null;
        string storage = Memory.StorageName(input);
        var shared = new List<int> { input.Id };
        foreach (var v in Graph.Values)
        {
            if (v != input && Memory.StorageName(v) == storage)
                shared.Add(v.Id);
        }
        foreach (var v in Graph.Outputs)
        {
            if (shared.Contains(v.Id))
                return null;
        }
        var reads = new List<(int Step, int Slot)>();
        for (int i = 0; i < Steps.Count; i++)
        {
            foreach (int id in Steps[i].Outputs)
            {
                if (shared.Contains(id))
                    return null;
            }
            for (int slot = 0; slot < Steps[i].Inputs.Length; slot++)
            {
                if (shared.Contains(Steps[i].Inputs[slot]))
                    reads.Add((i, slot));
            }
        }
        return new InputInPlace([.. shared], [.. reads]);
    }

    /// <summary>
    /// The last step that runs no later than the value's producer: by then the value is written
    /// (by the producer, the fusion that absorbed it, or, for a skipped identity, the step that
    /// wrote the storage it shares) and not yet rewritten in place.
    /// </summary>
    int CopyAfter(Value value)
    {
        if (value.Producer is null)
            return -1;
        int at = -1;
        for (int i = 0; i < Steps.Count && Steps[i].Node.Index <= value.Producer.Index; i++)
            at = i;
        return at;
    }
}
