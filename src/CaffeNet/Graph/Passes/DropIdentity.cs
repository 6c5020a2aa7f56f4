namespace CaffeNet.Graph.Passes;

/// <summary>
/// At test time Dropout is the identity; run in place it has nothing to do, so it is skipped.
/// (An out-of-place Dropout or a Split still copies, as its output has storage of its own.)
/// </summary>
public static class DropIdentity
{
    public static IEnumerable<Node> Find(NetGraph graph) =>
        graph.Nodes.Where(n => n.Type == "Dropout" && n.Inputs.Count == 1 && n.Outputs.Count == 1 && n.IsInPlace(0));
}
