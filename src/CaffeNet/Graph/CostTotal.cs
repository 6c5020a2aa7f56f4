namespace CaffeNet.Graph;

/// <summary>
/// The sums of the nodes' known costs. When some node's figure is unknown (it depends on an
/// unknown dimension) the sum is a lower bound, and the Unknown counts say how many nodes it misses.
/// </summary>
public sealed record CostTotal(long Params, long Macs, long ElementwiseOps, long OutputBytes)
{
    /// <summary>Nodes whose parameter count is unknown.</summary>
    public int UnknownParams { get; init; }

    /// <summary>Nodes whose MACs are unknown.</summary>
    public int UnknownMacs { get; init; }

    /// <summary>Nodes whose elementwise work is unknown.</summary>
    public int UnknownElementwiseOps { get; init; }
}
