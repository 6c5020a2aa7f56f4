namespace CaffeNet.Graph.Passes;

/// <summary>Runs the load-time passes over a graph and returns what to fuse and skip.</summary>
public static class GraphOptimizer
{
    public static FusionPlan Plan(NetGraph graph)
    {
        var plan = new FusionPlan();
        foreach (var found in FoldBatchNorm.Find(graph))
        {
            var fusion = FuseActivation.Apply(graph, found);
            var withSum = FuseEltwise.Apply(graph, fusion);
            plan.Add(ReferenceEquals(withSum, fusion) ? fusion : FuseActivation.Apply(graph, withSum));
        }
        foreach (var node in DropIdentity.Find(graph))
        {
            plan.Skip(node);
            foreach (var top in node.Outputs.Where(top => top.Name != node.Inputs[0].Name))
                plan.Alias(top, node.Inputs[0]);
        }
        return plan;
    }
}
