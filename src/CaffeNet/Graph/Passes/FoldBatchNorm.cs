namespace CaffeNet.Graph.Passes;

/// <summary>
/// Folds a BatchNorm that uses stored statistics, and/or a Scale with a learned factor over the
/// channel axis, into the Convolution or InnerProduct before it. The weights are folded at load
/// by the runtime; this pass only decides where it is legal.
/// </summary>
internal static class FoldBatchNorm
{
    static readonly string[] Anchors = ["Convolution", "ConvolutionDepthwise", "DepthwiseConvolution", "InnerProduct"];

    public static IEnumerable<ConvFusion> Find(NetGraph graph)
    {
        foreach (var node in graph.Nodes)
        {
            if (!IsAnchor(node))
                continue;
            var fusion = new ConvFusion(node, null, null, null);
            var bn = InPlace.SoleRewriter(graph, node.Outputs[0], "BatchNorm");
            if (bn is { Attributes: BatchNormAttributes { UseGlobalStats: true } })
                fusion = fusion with { BatchNorm = bn };
            var scale = InPlace.SoleRewriter(graph, fusion.Result, "Scale");
            if (scale is { Attributes: ScaleAttributes { FromInput: false, Axis: 1 or -3, NumAxes: 1 } } && node.Outputs[0].Shape.Rank >= 2)
                fusion = fusion with { Scale = scale };
            yield return fusion;
        }
    }

    static bool IsAnchor(Node node) =>
        node.IsKnown && Anchors.Contains(node.Type) && node.Inputs.Count == 1 && node.Outputs.Count == 1 &&
        node.Outputs[0].Shape.IsKnown && node.Attributes switch
        {
            ConvolutionAttributes c => c.Axis == 1 && node.Outputs[0].Shape.Rank == 4,
            // With a later axis the outputs are not on axis 1, where BatchNorm and Scale work.
            InnerProductAttributes ip => !ip.Transpose && ip.Axis == 1,
            _ => false,
        };
}
