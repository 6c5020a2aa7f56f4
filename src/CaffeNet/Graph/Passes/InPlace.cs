namespace CaffeNet.Graph.Passes;

/// <summary>The legality rule the passes share.</summary>
static class InPlace
{
    /// <summary>
    /// The single layer of type <paramref name="types"/> that reads <paramref name="value"/> and
    /// rewrites it in place, when nobody else reads that value and it is not a net output; else null.
    /// Folding then changes no other reader's view of the blob.
    /// </summary>
    public static Node? SoleRewriter(NetGraph graph, Value value, params string[] types)
    {
        if (value.Consumers.Count != 1 || graph.IsOutput(value))
            return null;
        var next = value.Consumers[0];
        return next.IsKnown && types.Contains(next.Type) && next.Inputs.Count == 1 && next.Outputs.Count == 1 && next.IsInPlace(0)
            ? next
            : null;
    }
}
