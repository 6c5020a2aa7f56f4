namespace CaffeNet.Graph.Passes;

/// <summary>Runs the load-time passes over a graph and returns what to fuse and skip.</summary>
internal static class GraphOptimizer
{
    /// <summary>
    /// The fusions and skips for <paramref name="graph"/>. A value in <paramref name="keep"/> must
    /// exist as the reference path computes it, so a fusion that would fold it away (a kept output
    /// of a convolution, BatchNorm or Scale before the fused result) is not made. With
    /// <paramref name="chain"/> (for the blocked kernels on one thread), a depthwise convolution may
    /// be chained to the 1x1 before it (<see cref="ChainDepthwise"/>).
    /// </summary>
    public static FusionPlan Plan(NetGraph graph, IReadOnlySet<Value>? keep = null, bool chain = false)
    {
        var plan = new FusionPlan();
        var fusions = new List<ConvFusion>();
        foreach (var found in FoldBatchNorm.Find(graph))
        {
            var fusion = FuseActivation.Apply(graph, found);
            var withSum = FuseEltwise.Apply(graph, fusion);
            var chosen = ReferenceEquals(withSum, fusion) ? fusion : FuseActivation.Apply(graph, withSum);
            if (keep is null || !FoldsAway(chosen, keep))
                fusions.Add(chosen);
        }
        var byAnchor = fusions.ToDictionary(f => f.Anchor);
        var chained = new HashSet<Node>();
        foreach (var fusion in fusions)
        {
            if (chained.Contains(fusion.Anchor))
                continue;
            var pair = chain ? ChainDepthwise.Apply(graph, fusion, byAnchor.GetValueOrDefault) : null;
            if (pair is not null && (keep is null || !FoldsAway(pair, keep)))
            {
                plan.Add(pair);
                chained.Add(pair.Depthwise!.Anchor);
            }
            else
                plan.Add(fusion);
        }
        foreach (var node in DropIdentity.Find(graph))
        {
            plan.Skip(node);
            foreach (var top in node.Outputs.Where(top => top.Name != node.Inputs[0].Name))
                plan.Alias(top, node.Inputs[0]);
        }
        return plan;
    }

    /// <summary>True when a value of <paramref name="keep"/> is written inside the fusion but is not its result.</summary>
    static bool FoldsAway(ConvFusion fusion, IReadOnlySet<Value> keep) =>
        new[] { fusion.Anchor }.Concat(fusion.Absorbed)
            .SelectMany(n => n.Outputs)
            .Any(v => v != fusion.Result && keep.Contains(v));
}
