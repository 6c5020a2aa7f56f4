using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Runtime.Layers;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime;

/// <summary>Receives a node's outputs right after it runs; the tensors are reused later, so copy what you keep.</summary>
public delegate void LayerObserver(Node node, IReadOnlyList<Tensor> outputs);

/// <summary>
/// Runs a graph node by node in order. Every activation lives in one arena laid out by a
/// <see cref="MemoryPlan"/>; weights come from the model or, where it has none, from fillers.
/// With <see cref="ExecutorOptions.Fuse"/>, nodes the <see cref="GraphOptimizer"/> absorbs are
/// skipped: they rewrite their anchor's blob in place, so the arena plan is the same either way.
/// </summary>
public sealed class Executor : IDisposable
{
    readonly float[] _arena;
    readonly Step[] _steps;
    readonly Tensor[] _values;
    readonly WorkerPool? _pool;
    readonly Dictionary<int, IVariableOutput> _variable;

    /// <summary>A node that runs, with its tensors bound once so a forward allocates nothing.</summary>
    sealed record Step(Node Node, ILayer Layer, Tensor[] Inputs, Tensor[] Outputs);

    public Executor(NetGraph graph, NetWeights weights) : this(graph, weights, ExecutorOptions.Reference) { }

    /// <summary>
    /// Checks, before anything big is allocated, that the layers are supported and that what the
    /// executor allocates (<see cref="EstimateMemory"/>) fits <see cref="ExecutorOptions.Budget"/>
    /// and .NET's largest array; each refusal is one CaffeNetException.
    /// </summary>
    public Executor(NetGraph graph, NetWeights weights, ExecutorOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        Require.Runnable(graph);
        Graph = graph;
        Weights = weights;
        Plan = options.Fuse ? GraphOptimizer.Plan(graph) : FusionPlan.None;
        var running = graph.Nodes.Where(n => !Plan.Skips(n)).ToArray();
        RequireSupported(graph, Plan);
        Memory = MemoryPlan.For(graph, Plan);
        var needs = ExecutorMemory.For(graph, Plan, Memory, options.Threads);
        options.Budget.Check(needs.Estimate, $"net {Excerpt.Name(graph.Name)}");
        if (!Memory.FitsOneArray)
            throw new CaffeNetException(
                $"net {Excerpt.Name(graph.Name)}: its activations need {ByteSize.Format(Memory.ArenaBytes)} at once, more than one .NET array can hold (8 GiB)");
        if (needs.LargestFloats > Array.MaxLength)
            throw new CaffeNetException(
                $"{needs.LargestOwner}: needs an array of {ByteSize.Format(needs.LargestFloats * sizeof(float))}, more than one .NET array can hold (8 GiB)");
        _pool = options.Threads > 1 ? new WorkerPool(options.Threads) : null;
        var layers = running.Select(n => Bind(n, options)).ToArray();
        // Pinned, so that the plan's cache-line alignment holds for the arena's lifetime.
        _arena = GC.AllocateArray<float>((int)Memory.ArenaFloats + MemoryPlan.Alignment, pinned: true);
        int start = CacheLineStart(_arena);
        _values = graph.Values
            .Select(v => new Tensor(LayerFactory.ToTensorShape(v.Shape), _arena, start + Memory.OffsetOf(v)))
            .ToArray();
        _steps = running.Select((n, i) => BindTensors(n, layers[i])).ToArray();
        _variable = _steps.Where(s => s.Layer is IVariableOutput).ToDictionary(s => s.Node.Outputs[0].Id, s => (IVariableOutput)s.Layer);
    }

    /// <summary>The index of the first float of a pinned array that starts a 64-byte cache line.</summary>
    static unsafe int CacheLineStart(float[] pinned)
    {
        long address = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinned));
        return (int)((64 - (address & 63)) & 63) / sizeof(float);
    }

    /// <summary>A fused node reads its shortcut's other input too, and writes the fusion's result.</summary>
    Step BindTensors(Node node, ILayer layer)
    {
        var fusion = Plan.FusionAt(node);
        var inputs = fusion?.Residual is { } residual ? node.Inputs.Append(residual) : node.Inputs;
        var outputs = fusion is null ? node.Outputs : [fusion.Result];
        return new Step(node, layer, inputs.Select(v => _values[v.Id]).ToArray(), outputs.Select(v => _values[v.Id]).ToArray());
    }

    /// <summary>
    /// What an executor for <paramref name="graph"/> under <paramref name="options"/> allocates
    /// beside the weights, worked out from shapes alone: the fast path's folded and packed weight
    /// copies, the activation arena, and the scratch its kernels keep (on every thread).
    /// </summary>
    public static MemoryEstimate EstimateMemory(NetGraph graph, ExecutorOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        Require.Runnable(graph);
        var plan = options.Fuse ? GraphOptimizer.Plan(graph) : FusionPlan.None;
        // A layer the runtime cannot run has no shapes to size; say so rather than fail on them.
        RequireSupported(graph, plan);
        return ExecutorMemory.For(graph, plan, MemoryPlan.For(graph, plan), options.Threads).Estimate;
    }

    static void RequireSupported(NetGraph graph, FusionPlan plan)
    {
        foreach (var node in graph.Nodes.Where(n => !plan.Skips(n) && plan.FusionAt(n) is null))
            LayerFactory.RequireSupported(graph, node);
    }

    /// <summary>An executor whose missing weights are filled from <paramref name="seed"/>.</summary>
    public static Executor Create(NetGraph graph, ulong seed = 0) => new(graph, NetWeights.Resolve(graph, MissingWeights.Fill(seed)));

    public NetGraph Graph { get; }

    public NetWeights Weights { get; }

    public MemoryPlan Memory { get; }

    /// <summary>What the passes fused and skipped (<see cref="FusionPlan.None"/> unfused).</summary>
    public FusionPlan Plan { get; }

    /// <summary>The nodes that run, in order (fused anchors stand for their absorbed layers).</summary>
    public IEnumerable<Node> RunningNodes => _steps.Select(s => s.Node);

    ILayer Bind(Node node, ExecutorOptions options)
    {
        var fusion = Plan.FusionAt(node);
        if (fusion is null)
            return LayerFactory.For(node, Weights.For(node));
        try
        {
            return node.Type == "InnerProduct"
                ? new FusedInnerProductLayer(fusion, Weights, _pool)
                : new FusedConvolutionLayer(fusion, Weights, _pool);
        }
        catch (CaffeNetException e) when (!e.Message.StartsWith("layer '", StringComparison.Ordinal))
        {
            throw new CaffeNetException($"{Excerpt.Layer(node.Name, node.Type)}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Runs the net on <paramref name="inputs"/> (one per graph input, by blob name, each of the
    /// input's exact shape) and returns copies of the net outputs by blob name.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Forward(IReadOnlyDictionary<string, Tensor> inputs, LayerObserver? observer = null)
    {
        foreach (var name in inputs.Keys)
        {
            if (!Graph.Inputs.Any(v => v.Name == name))
                throw new CaffeNetException(
                    $"net {Excerpt.Name(Graph.Name)} has no input {Excerpt.Name(name)} (its inputs: {Excerpt.List(Graph.Inputs.Select(v => Excerpt.Plain(v.Name)))})");
        }
        var ordered = new Tensor[Graph.Inputs.Count];
        for (int i = 0; i < ordered.Length; i++)
        {
            var input = Graph.Inputs[i];
            if (!inputs.TryGetValue(input.Name, out ordered[i]))
                throw new CaffeNetException($"net {Excerpt.Name(Graph.Name)}: no value given for input {Excerpt.Name(input.Name)} ({input.Shape})");
        }
        CopyInputs(ordered);
        Run(observer);
        return Graph.Outputs.ToDictionary(v => v.Name, v => Tensor.From(Produced(v.Id).Shape, Produced(v.Id).Span), StringComparer.Ordinal);
    }

    /// <summary>
    /// The allocation-free forward: <paramref name="inputs"/> in <see cref="NetGraph.Inputs"/> order,
    /// net outputs copied into <paramref name="outputs"/> in <see cref="NetGraph.Outputs"/> order.
    /// A DetectionOutput top is copied whole, as planned: rows past those written hold -1.
    /// </summary>
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        if (inputs.Length != Graph.Inputs.Count || outputs.Length != Graph.Outputs.Count)
            throw new CaffeNetException(
                $"net {Excerpt.Name(Graph.Name)} takes {Graph.Inputs.Count} inputs and gives {Graph.Outputs.Count} outputs, not {inputs.Length} and {outputs.Length}");
        CopyInputs(inputs);
        Run(null);
        for (int i = 0; i < outputs.Length; i++)
        {
            var value = _values[Graph.Outputs[i].Id];
            if (outputs[i].Shape != value.Shape)
                throw new CaffeNetException($"output {Excerpt.Name(Graph.Outputs[i].Name)} has shape {value.Shape}, not {outputs[i].Shape}");
            value.Span.CopyTo(outputs[i].Span);
        }
    }

    /// <summary>Runs every step; with an observer, each step's outputs are reported as it ends.</summary>
    public void Run(LayerObserver? observer = null)
    {
        foreach (var step in _steps)
        {
            try
            {
                step.Layer.Forward(step.Inputs, step.Outputs);
            }
            catch (CaffeNetException e) when (!e.Message.StartsWith("layer '", StringComparison.Ordinal))
            {
                throw new CaffeNetException($"{Excerpt.Layer(step.Node.Name, step.Node.Type)}: {e.Message}", e);
            }
            if (observer is not null)
                observer(step.Node, step.Layer is IVariableOutput v ? [step.Outputs[0].Leading(v.Produced)] : step.Outputs);
        }
    }

    /// <summary>A value as its producer last wrote it: for a layer with a data-dependent row count, the rows written.</summary>
    Tensor Produced(int id) => _variable.TryGetValue(id, out var v) ? _values[id].Leading(v.Produced) : _values[id];

    void CopyInputs(ReadOnlySpan<Tensor> inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            var input = Graph.Inputs[i];
            var slot = _values[input.Id];
            if (inputs[i].Shape != slot.Shape)
                throw new CaffeNetException($"input {Excerpt.Name(input.Name)} has shape {inputs[i].Shape}, the net expects {slot.Shape}");
            inputs[i].Span.CopyTo(slot.Span);
        }
    }

    public void Dispose() => _pool?.Dispose();
}
