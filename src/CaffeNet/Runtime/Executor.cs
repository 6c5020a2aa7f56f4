using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Runtime.Layers;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime;

/// <summary>Receives a node's outputs right after it runs; the tensors are reused later, so copy what you keep.</summary>
internal delegate void LayerObserver(Node node, IReadOnlyList<Tensor> outputs);

/// <summary>
/// Runs a graph node by node in order. Every activation lives in one arena laid out by a
/// <see cref="MemoryPlan"/>; weights come from the model or, where it has none, from fillers.
/// With <see cref="ExecutorOptions.Fuse"/>, nodes the <see cref="GraphOptimizer"/> absorbs are
/// skipped: they rewrite their anchor's blob in place, so the arena plan is the same either way.
/// Not thread-safe: an executor owns one arena, so one forward pass at a time (CaffeModel runs a
/// net from many threads at once).
/// </summary>
internal sealed class Executor : IDisposable
{
    readonly CompiledNet _net;
    readonly RunContext _context;
    readonly WorkerPool? _pool;

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
        WorkerPool? pool = null;
        try
        {
            _net = new CompiledNet(graph, weights, options, () => pool = options.Threads > 1 ? new WorkerPool(options.Threads) : null);
            _context = _net.CreateContext();
        }
        catch
        {
            pool?.Dispose();
            throw;
        }
        _pool = pool;
    }

    /// <summary>The executor's compiled net (shared with nothing else).</summary>
    internal CompiledNet Compiled => _net;

    /// <summary>
    /// What an executor for <paramref name="graph"/> under <paramref name="options"/> allocates
    /// beside the weights, worked out from shapes alone: the fast path's folded and packed weight
    /// copies, the activation arena, and the scratch its kernels keep (on every thread).
    /// </summary>
    public static MemoryEstimate EstimateMemory(NetGraph graph, ExecutorOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Threads, 1);
        Require.Runnable(graph);
        var plan = CompiledNet.PlanFor(graph, options);
        // A layer the runtime cannot run has no shapes to size; say so rather than fail on them.
        RequireSupported(graph, plan);
        var layout = options.Fuse ? ChannelLayout.For(graph, plan, options.Block) : ChannelLayout.None;
        return ExecutorMemory.For(graph, plan, layout, MemoryPlan.For(graph, plan, layout), options.Threads).Estimate;
    }

    static void RequireSupported(NetGraph graph, FusionPlan plan)
    {
        foreach (var node in graph.Nodes.Where(n => !plan.Skips(n) && plan.FusionAt(n) is null))
            LayerFactory.RequireSupported(graph, node);
    }

    /// <summary>An executor whose missing weights are filled from <paramref name="seed"/>.</summary>
    public static Executor Create(NetGraph graph, ulong seed = 0) => new(graph, NetWeights.Resolve(graph, MissingWeights.Fill(seed)));

    public NetGraph Graph => _net.Graph;

    public NetWeights Weights => _net.Weights;

    public MemoryPlan Memory => _net.Memory;

    /// <summary>What the passes fused and skipped (<see cref="FusionPlan.None"/> unfused).</summary>
    public FusionPlan Plan => _net.Plan;

    /// <summary>The nodes that run, in order (fused anchors stand for their absorbed layers).</summary>
    public IEnumerable<Node> RunningNodes => _net.Steps.Select(s => s.Node);

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
        return Graph.Outputs.ToDictionary(v => v.Name, v => Tensor.From(_context.Produced(v).Shape, _context.Produced(v).Span), StringComparer.Ordinal);
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
            var value = _context.ValueOf(Graph.Outputs[i]);
            if (outputs[i].Shape != value.Shape)
                throw new CaffeNetException($"output {Excerpt.Name(Graph.Outputs[i].Name)} has shape {value.Shape}, not {outputs[i].Shape}");
            value.Span.CopyTo(outputs[i].Span);
        }
    }

    /// <summary>Runs every step; with an observer, each step's outputs are reported as it ends.</summary>
    public void Run(LayerObserver? observer = null) => _context.Run(observer);

    void CopyInputs(ReadOnlySpan<Tensor> inputs)
    {
        for (int i = 0; i < inputs.Length; i++)
        {
            var input = Graph.Inputs[i];
            var slot = _context.ValueOf(input);
            if (inputs[i].Shape != slot.Shape)
                throw new CaffeNetException($"input {Excerpt.Name(input.Name)} has shape {inputs[i].Shape}, the net expects {slot.Shape}");
            _context.SetInput(i, inputs[i].Span);
        }
    }

    public void Dispose() => _pool?.Dispose();
}
