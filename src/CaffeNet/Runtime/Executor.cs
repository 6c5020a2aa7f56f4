using CaffeNet.Graph;
using CaffeNet.Runtime.Layers;

namespace CaffeNet.Runtime;

/// <summary>Receives a node's outputs right after it runs; the tensors are reused later, so copy what you keep.</summary>
public delegate void LayerObserver(Node node, IReadOnlyList<Tensor> outputs);

/// <summary>
/// Runs a graph node by node in order. Every activation lives in one arena laid out by a
/// <see cref="MemoryPlan"/>; weights come from the model or, where it has none, from fillers.
/// </summary>
public sealed class Executor
{
    readonly float[] _arena;
    readonly ILayer[] _layers;
    readonly Tensor[] _values;

    public Executor(NetGraph graph, NetWeights weights)
    {
        Graph = graph;
        Weights = weights;
        // Build the layers first: an unsupported type is reported before memory is committed.
        _layers = graph.Nodes.Select(n => LayerFactory.For(n, weights.For(n))).ToArray();
        Memory = MemoryPlan.For(graph);
        _arena = new float[Memory.ArenaFloats];
        _values = graph.Values
            .Select(v => new Tensor(LayerFactory.ToTensorShape(v.Shape), _arena, Memory.OffsetOf(v)))
            .ToArray();
    }

    /// <summary>An executor whose missing weights are filled from <paramref name="seed"/>.</summary>
    public static Executor Create(NetGraph graph, ulong seed = 0) => new(graph, NetWeights.Resolve(graph, seed));

    public NetGraph Graph { get; }

    public NetWeights Weights { get; }

    public MemoryPlan Memory { get; }

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
                    $"net '{Graph.Name}' has no input '{name}' (its inputs: {string.Join(", ", Graph.Inputs.Select(v => v.Name))})");
        }
        foreach (var input in Graph.Inputs)
        {
            if (!inputs.TryGetValue(input.Name, out var given))
                throw new CaffeNetException($"net '{Graph.Name}': no value given for input '{input.Name}' ({input.Shape})");
            var slot = _values[input.Id];
            if (given.Shape != slot.Shape)
                throw new CaffeNetException($"input '{input.Name}' has shape {given.Shape}, the net expects {slot.Shape}");
            given.Span.CopyTo(slot.Span);
        }
        foreach (var node in Graph.Nodes)
        {
            var ins = node.Inputs.Select(v => _values[v.Id]).ToArray();
            var outs = node.Outputs.Select(v => _values[v.Id]).ToArray();
            try
            {
                _layers[node.Index].Forward(ins, outs);
            }
            catch (CaffeNetException e) when (!e.Message.StartsWith("layer '", StringComparison.Ordinal))
            {
                throw new CaffeNetException($"layer '{node.Name}' (type {node.Type}): {e.Message}", e);
            }
            observer?.Invoke(node, outs);
        }
        return Graph.Outputs.ToDictionary(v => v.Name, v => Tensor.From(_values[v.Id].Shape, _values[v.Id].Span), StringComparer.Ordinal);
    }
}
