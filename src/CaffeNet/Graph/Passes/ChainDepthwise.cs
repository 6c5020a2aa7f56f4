using CaffeNet.Runtime.Simd;

namespace CaffeNet.Graph.Passes;

/// <summary>
/// Chains a depthwise convolution to the 1x1 convolution whose result only it reads (an inverted
/// residual block's expansion), where that result is too large to stay in cache between the two
/// (<see cref="BlockedExpandDepthwise.Pays"/>): the pair then runs band by band as one step, and
/// the expanded tensor is never written whole. Both keep their own folded layers; neither may
/// have a fused shortcut. Only on the blocked kernels (<see cref="GraphOptimizer.Plan"/> says when).
/// </summary>
internal static class ChainDepthwise
{
    public static ConvFusion? Apply(NetGraph graph, ConvFusion expand, Func<Node, ConvFusion?> fusionAt)
    {
        var mid = expand.OwnResult;
        if (!IsPointwise(expand) || expand.Residual is not null || mid.Consumers.Count != 1 || graph.IsOutput(mid))
            return null;
        var depthwise = fusionAt(mid.Consumers[0]);
        if (depthwise is null || depthwise.Residual is not null || !IsDepthwise(depthwise))
            return null;
        var shape = mid.Shape;
        return shape is { IsComplete: true, Rank: 4 } && BlockedExpandDepthwise.Pays(shape[1], shape[2], shape[3])
            ? expand with { Depthwise = depthwise }
            : null;
    }

    static bool IsPointwise(ConvFusion f) =>
        f.Anchor.Attributes is ConvolutionAttributes { Group: 1, KernelH: 1, KernelW: 1, StrideH: 1, StrideW: 1, PadH: 0, PadW: 0 };

    static bool IsDepthwise(ConvFusion f) =>
        f.Anchor.Attributes is ConvolutionAttributes a && f.Anchor.Inputs[0].Shape is { IsComplete: true, Rank: 4 } input
        && a.Group == input[1] && a.NumOutput == input[1];
}
