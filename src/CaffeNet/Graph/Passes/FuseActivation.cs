namespace CaffeNet.Graph.Passes;

/// <summary>
/// Fuses a ReLU (slope 0), ReLU6 or Clip that rewrites a fused convolution's result in place into
/// its epilogue, where it is a clamp of the accumulator.
/// </summary>
internal static class FuseActivation
{
    public static ConvFusion Apply(NetGraph graph, ConvFusion fusion)
    {
        var act = InPlace.SoleRewriter(graph, fusion.Result, "ReLU", "ReLU6", "Clip");
        if (act is null || act.Attributes is ReLUAttributes { NegativeSlope: not 0 })
            return fusion;
        return fusion with { Activation = act };
    }
}
