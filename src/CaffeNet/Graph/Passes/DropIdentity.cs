namespace CaffeNet.Graph.Passes;

/// <summary>
/// At test time Dropout is the identity; run in place it has nothing to do, so it is skipped.
/// (An out-of-place Dropout or a Split still copies, as its output has storage of its own.)
/// </summary>
public static class DropIdentity
{
    public static IEnumerable<Node> Find(NetGraph graph) =>
        graph.Nodes.Where(n => IsDropout(n) && n.IsInPlace(0));

    /// <summary>
    /// The Dropouts a net definition can lose: in-place ones, and out-of-place ones whose input
    /// only they read and whose output blob is not a net output. Later layers then read the input
    /// blob under its own name, which nobody else reads or rewrites, and no output is renamed.
    /// </summary>
    public static IEnumerable<Node> Removable(NetGraph graph) =>
        graph.Nodes.Where(n => IsDropout(n) && (n.IsInPlace(0) ||
            n.Inputs[0].Consumers.Count == 1 && !graph.Outputs.Any(o => o.Name == n.Outputs[0].Name)));

    static bool IsDropout(Node n) => n.Type == "Dropout" && n.Inputs.Count == 1 && n.Outputs.Count == 1;
}
