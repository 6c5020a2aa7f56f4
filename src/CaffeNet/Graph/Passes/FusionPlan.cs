namespace CaffeNet.Graph.Passes;

/// <summary>
/// What the optimizer decided for a graph: the fused anchors and the nodes that no longer run
/// (absorbed into an anchor, or identities at test time). The graph itself is left untouched, so
/// the unfused path stays available on the same graph and values keep their storage.
/// </summary>
internal sealed class FusionPlan
{
    readonly Dictionary<Node, ConvFusion> _fusions = [];
    readonly HashSet<Node> _skipped = [];
    readonly Dictionary<Value, ConvFusion> _results = [];
    readonly Dictionary<Value, Value> _aliases = [];

    /// <summary>A plan that fuses nothing: every node runs as written.</summary>
    public static FusionPlan None { get; } = new();

    public IReadOnlyCollection<ConvFusion> Fusions => _fusions.Values;

    /// <summary>The fusion anchored at <paramref name="node"/>, or null.</summary>
    public ConvFusion? FusionAt(Node node) => _fusions.GetValueOrDefault(node);

    /// <summary>
    /// The step at which a value is first written when the plan runs: a fused node writes its
    /// result (for a fused shortcut, the Eltwise's output) at its anchor's step, earlier than the
    /// graph's order says. Memory plans must keep that storage apart from what the anchor reads.
    /// </summary>
    public int WrittenAt(Value value) =>
        _results.TryGetValue(value, out var fusion) ? fusion.Anchor.Index : value.Producer?.Index ?? -1;

    /// <summary>
    /// The value whose storage <paramref name="value"/> shares: itself, or for a top of a skipped
    /// identity layer (out-of-place Dropout, Split), its bottom's.
    /// </summary>
    public Value StorageOf(Value value) => _aliases.GetValueOrDefault(value, value);

    /// <summary>True when the node does not run on its own.</summary>
    public bool Skips(Node node) => _skipped.Contains(node);

    internal void Add(ConvFusion fusion)
    {
        _fusions[fusion.Anchor] = fusion;
        _results[fusion.Result] = fusion;
        foreach (var n in fusion.Absorbed)
            _skipped.Add(n);
    }

    internal void Skip(Node node) => _skipped.Add(node);

    // Resolved when added (sources come before the tops that alias them), so a chain of 100k
    // skipped layers costs one lookup per value, not a walk down the chain (or a deep recursion).
    internal void Alias(Value value, Value source) => _aliases[value] = StorageOf(source);
}
