namespace CaffeNet.Graph;

/// <summary>A Caffe net lowered to nodes over single-assignment values.</summary>
public sealed class NetGraph
{
    internal NetGraph(string name, IReadOnlyList<Value> inputs, IReadOnlyList<Value> outputs,
        IReadOnlyList<Node> nodes, IReadOnlyList<Value> values, IReadOnlyDictionary<Value, string> inputTypes,
        long peakActivationBytes, ShapeRules layers)
    {
        Layers = layers;
        Name = name;
        Inputs = inputs;
        Outputs = outputs;
        Nodes = nodes;
        Values = values;
        InputTypes = inputTypes;
        PeakActivationBytes = peakActivationBytes;
        _outputSet = [.. outputs];
        foreach (var v in values)
            if (!_latest.TryGetValue(v.Name, out var seen) || v.Version > seen.Version)
                _latest[v.Name] = v;
    }

    /// <summary>The net's name, as its prototxt gives it.</summary>
    public string Name { get; }

    // Lookups the passes ask once per node; scanning Outputs or Values each time was quadratic.
    // Made in the constructor, so a graph shared between threads is never written to.
    readonly HashSet<Value> _outputSet;
    readonly Dictionary<string, Value> _latest = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="value"/> is one of <see cref="Outputs"/>.</summary>
    internal bool IsOutput(Value value) => _outputSet.Contains(value);

    /// <summary>True when some net output is a version of the blob <paramref name="name"/> (outputs are latest versions).</summary>
    internal bool IsOutputBlob(string name) => LatestVersion(name) is { } v && IsOutput(v);

    /// <summary>The last version of the blob <paramref name="name"/>, or null when the graph has no such blob.</summary>
    internal Value? LatestVersion(string name) => _latest.GetValueOrDefault(name);

    /// <summary>The layer types it was built with; a graph rebuilt from the same net (another batch) uses them too.</summary>
    public ShapeRules Layers { get; }

    /// <summary>Values with no producer: Input and data layer tops (labels included), legacy input fields.</summary>
    public IReadOnlyList<Value> Inputs { get; }

    /// <summary>Latest versions nobody reads afterwards: Caffe's net outputs.</summary>
    public IReadOnlyList<Value> Outputs { get; }

    /// <summary>Nodes in execution order (the prototxt's order, which Caffe requires to be topological).</summary>
    public IReadOnlyList<Node> Nodes { get; }

    /// <summary>Every value, indexed by <see cref="Value.Id"/>.</summary>
    public IReadOnlyList<Value> Values { get; }

    /// <summary>For each input, the Caffe type of the layer that declared it ("Input", "Data", ...).</summary>
    public IReadOnlyDictionary<Value, string> InputTypes { get; }

    /// <summary>
    /// Peak bytes of live activations when nodes run in order and each blob is freed after its last
    /// read (net outputs kept); in-place versions share their blob's storage.
    /// </summary>
    public long PeakActivationBytes { get; }

    /// <summary>Nodes whose type has no shape rule; they are kept so the graph reads whole.</summary>
    public IEnumerable<Node> UnknownNodes => Nodes.Where(n => !n.IsKnown);

    /// <summary>
    /// True when some value has unknown dimensions (a graph built with
    /// <see cref="GraphOptions.AllowUnknownDims"/>); such a graph can be inspected but not run.
    /// </summary>
    public bool HasUnknownDims => Values.Any(v => v.Shape.IsKnown && !v.Shape.IsComplete);

    /// <summary>Sums of the node costs; lower bounds when some are unknown (see <see cref="CostTotal"/>).</summary>
    public CostTotal TotalCost => new(
        Nodes.Sum(n => n.Cost.Params ?? 0),
        Nodes.Sum(n => n.Cost.Macs ?? 0),
        Nodes.Sum(n => n.Cost.ElementwiseOps ?? 0),
        Nodes.Sum(n => n.Cost.OutputBytes ?? 0))
    {
        UnknownParams = Nodes.Count(n => n.Cost.Params is null),
        UnknownMacs = Nodes.Count(n => n.Cost.Macs is null),
        UnknownElementwiseOps = Nodes.Count(n => n.Cost.ElementwiseOps is null),
    };
}
