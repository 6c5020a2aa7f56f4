using CaffeNet.Runtime.Simd;

namespace CaffeNet.Graph.Passes;

/// <summary>
/// Chains a depthwise convolution to the 1x1 convolution whose result only it reads (an inverted
/// residual block's expansion), where that result is too large to stay in cache between the two
/// (<see cref="BlockedExpandDepthwise.Pays"/>): the pair then runs band by band as one step, and
/// the expanded tensor is never written whole. Both keep their own folded layers; neither may
/// have a fused shortcut; each must be what the layout would run on that blocked kernel
/// (<see cref="ChannelLayout.KernelOf"/>). Only on the blocked kernels (<see cref="GraphOptimizer.Plan"/> says when).
/// </summary>
internal static class ChainDepthwise
{
    public static ConvFusion? Apply(NetGraph graph, ConvFusion expand, Func<Node, ConvFusion?> fusionAt)
    {
        var mid = expand.OwnResult;
        if (ChannelLayout.KernelOf(expand) != BlockedKernel.Pointwise || expand.Residual is not null || mid.Consumers.Count != 1 || graph.IsOutput(mid))
            return null;
        var depthwise = fusionAt(mid.Consumers[0]);
        if (depthwise is null || depthwise.Residual is not null || ChannelLayout.KernelOf(depthwise) != BlockedKernel.Depthwise)
            return null;
        var shape = mid.Shape;
        return shape is { IsComplete: true, Rank: 4 } && BlockedExpandDepthwise.Pays(shape[1], shape[2], shape[3])
            ? expand with { Depthwise = depthwise }
            : null;
    }
}
