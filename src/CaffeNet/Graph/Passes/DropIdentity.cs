namespace CaffeNet.Graph.Passes;

/// <summary>
/// At test time Dropout is the identity, and Split only hands one blob to several readers (our
/// graph fans out without it). Such a layer is skipped: run in place it has nothing to do; out of
/// place, each top shares its bottom's storage. Sharing is legal only when neither blob is written
/// again afterwards (no later in-place layer on the bottom or on a top), since a write through one
/// name would then show through the other.
/// </summary>
internal static class DropIdentity
{
    public static IEnumerable<Node> Find(NetGraph graph) =>
        graph.Nodes.Where(n => n.IsKnown && n.Type is "Dropout" or "Split" && n.Inputs.Count == 1 && n.Outputs.Count >= 1 &&
            (n.Type == "Split" || n.Outputs.Count == 1) && CanShare(graph, n));

    static bool CanShare(NetGraph graph, Node node)
    {
        if (node.Type == "Dropout" && node.IsInPlace(0))
            return true;
        var source = node.Inputs[0];
        bool sourceIsLast = graph.LatestVersion(source.Name) == source;
        // A blob's versions count up from 0, so a top that is version 0 and the latest is its blob's only version.
        return sourceIsLast && node.Outputs.All(top =>
            top.Name != source.Name && top.Version == 0 && graph.LatestVersion(top.Name) == top && top.Shape.Equals(source.Shape));
    }
    /// <summary>
    /// The Dropouts a net definition can lose: in-place ones, and out-of-place ones whose input
    /// only they read and whose output blob is not a net output. Later layers then read the input
    /// blob under its own name, which nobody else reads or rewrites, and no output is renamed.
    /// </summary>
    public static IEnumerable<Node> Removable(NetGraph graph) =>
        graph.Nodes.Where(n => IsDropout(n) && (n.IsInPlace(0) ||
            n.Inputs[0].Consumers.Count == 1 && !graph.IsOutputBlob(n.Outputs[0].Name)));

    static bool IsDropout(Node n) => n.Type == "Dropout" && n.Inputs.Count == 1 && n.Outputs.Count == 1;
}
