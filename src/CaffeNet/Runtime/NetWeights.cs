using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;
using CaffeNet.Runtime.Fillers;
using CaffeNet.Runtime.Layers;

namespace CaffeNet.Runtime;

/// <summary>
/// The learnable blobs of every node: the ones the model gives (caffemodel or prototxt), and for
/// layers given none, when the caller allows it (<see cref="MissingWeights"/>), blobs made by the
/// prototxt's fillers as Caffe makes them when it builds a net. Filler draws come from a stream
/// per blob named "layer/index", derived from the seed, so a layer's weights do not depend on the
/// layers before it.
/// </summary>
internal sealed class NetWeights
{
    readonly Dictionary<Node, Tensor[]> _blobs;

    NetWeights(Dictionary<Node, Tensor[]> blobs, IReadOnlyList<Node> filled)
    {
        _blobs = blobs;
        Filled = filled;
    }

    /// <summary>The nodes whose blobs came from fillers.</summary>
    public IReadOnlyList<Node> Filled { get; }

    /// <summary>The node's blobs in Caffe's order (empty for a layer without any).</summary>
    public IReadOnlyList<Tensor> For(Node node) => _blobs.TryGetValue(node, out var b) ? b : [];

    /// <summary>
    /// The blobs of every learnable node of <paramref name="graph"/>: the model's own, and for
    /// layers it gives none, what <paramref name="missing"/> says (refuse, or fill from a seed).
    /// They are checked first against <paramref name="budget"/> (<see cref="MemoryBudget.Available"/> when null).
    /// </summary>
    public static NetWeights Resolve(NetGraph graph, MissingWeights missing, MemoryBudget? budget = null)
    {
        Require.Runnable(graph);
        if (missing.Seed is null)
        {
            var untrained = graph.Nodes.Where(n => n.NeedsFiller).ToList();
            if (untrained.Count > 0)
                throw new MissingWeightsException(untrained, graph.Nodes.Count(n => n.ParamShapes.Count > 0));
        }
        (budget ?? MemoryBudget.Available).Check(MemoryEstimate.ForWeights(graph), $"net {Excerpt.Name(graph.Name)}");
        ulong seed = missing.Seed.GetValueOrDefault();
        var blobs = new Dictionary<Node, Tensor[]>();
        var filled = new List<Node>();
        foreach (var node in graph.Nodes.Where(n => n.ParamShapes.Count > 0))
        {
            var shapes = node.ParamShapes.Select(s => new TensorShape([.. s.Dims])).ToArray();
            if (node.NeedsFiller)
            {
                blobs[node] = Fill(node, shapes, seed, missing.DefaultWeightFiller);
                filled.Add(node);
            }
            else
                blobs[node] = shapes.Select((s, i) => FromProto(node, i, s)).ToArray();
        }
        return new NetWeights(blobs, filled);
    }

    /// <summary>
    /// The same blobs (shared, not copied) for another lowering of the same net, say at another
    /// batch size: nodes are matched by layer name, and each blob must keep its shape.
    /// </summary>
    public NetWeights Rebind(NetGraph graph)
    {
        var byName = _blobs.ToDictionary(p => p.Key.Name, p => p.Value, StringComparer.Ordinal);
        var blobs = new Dictionary<Node, Tensor[]>();
        foreach (var node in graph.Nodes.Where(n => n.ParamShapes.Count > 0))
        {
            if (!byName.TryGetValue(node.Name, out var tensors) || tensors.Length != node.ParamShapes.Count ||
                tensors.Zip(node.ParamShapes).Any(p => p.First.Shape != new TensorShape([.. p.Second.Dims])))
                throw new ArgumentException($"layer {Excerpt.Name(node.Name)} has no blobs of its shapes among these weights", nameof(graph));
            blobs[node] = tensors;
        }
        var filled = Filled.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        return new NetWeights(blobs, [.. graph.Nodes.Where(n => filled.Contains(n.Name))]);
    }

    /// <summary>
    /// The net as Caffe saves a trained model: every layer's definition with its blobs (shapes in
    /// the V2 `shape` field, floats in `data`), so Caffe and OpenCV can load it as a caffemodel.
    /// </summary>
    public NetParameter ToNetParameter(NetGraph graph)
    {
        var net = new NetParameter { Name = graph.Name };
        foreach (var node in graph.Nodes)
        {
            var layer = node.Layer.Clone();
            layer.Blobs.Clear();
            foreach (var tensor in For(node))
            {
                var blob = new BlobProto { Shape = new BlobShape() };
                blob.Shape.Dim.AddRange(tensor.Shape.Dims.ToArray().Select(d => (long)d));
                blob.Data.AddRange(tensor.ToArray());
                layer.Blobs.Add(blob);
            }
            net.Layer.Add(layer);
        }
        return net;
    }

    static Tensor FromProto(Node node, int index, TensorShape shape)
    {
        var blob = node.Blobs[index];
        int count = Blobs.ValueCount(blob);
        if (count != shape.Count)
            throw new CaffeNetException(
                $"{Excerpt.Layer(node.Name, node.Type)}: weight blob {index} holds {count} values, its shape {shape} needs {shape.Count}");
        // Floats read from the file into a shared array already: a view of it, no copy.
        return blob.DoubleData.Count == 0 && blob.DataAside is { } aside
            ? new Tensor(shape, aside.Array, aside.Offset)
            : new Tensor(shape, Blobs.ValuesOf(blob));
    }

    static Tensor[] Fill(Node node, TensorShape[] shapes, ulong seed, FillerParameter? defaultWeights)
    {
        var result = new Tensor[shapes.Length];
        for (int i = 0; i < shapes.Length; i++)
        {
            result[i] = new Tensor(shapes[i]);
            var random = SeededRandom.ForStream(seed, $"{node.Name}/{i}");
            try
            {
                Filler.Fill(FillerFor(node, i, defaultWeights), shapes[i], result[i].Span, random);
            }
            catch (CaffeNetException e)
            {
                throw new CaffeNetException($"{Excerpt.Layer(node.Name, node.Type)}: blob {i}: {e.Message}", e);
            }
        }
        return result;
    }

    /// <summary>
    /// The filler Caffe's layer uses for blob <paramref name="index"/>, as its definition gives it
    /// (<see cref="LayerDefinition.Filler"/>, which takes <paramref name="defaultWeights"/> for an
    /// unset weight filler); else FillerParameter's default, constant 0.
    /// </summary>
    static FillerParameter FillerFor(Node node, int index, FillerParameter? defaultWeights) =>
        (node.Rule as LayerDefinition)?.Filler(node, index, defaultWeights) ?? new FillerParameter();
}
