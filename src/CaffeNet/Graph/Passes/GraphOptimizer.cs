namespace CaffeNet.Graph.Passes;

/// <summary>Runs the load-time passes over a graph and returns what to fuse and skip.</summary>
public static class GraphOptimizer
{
    public static FusionPlan Plan(NetGraph graph)
    {
        var plan = new FusionPlan();
        foreach (var fusion in FoldBatchNorm.Find(graph))
            plan.Add(FuseActivation.Apply(graph, fusion));
        foreach (var node in DropIdentity.Find(graph))
            plan.Skip(node);
        return plan;
    }
}
