namespace CaffeNet.Graph.Passes;

/// <summary>
/// A Convolution or InnerProduct together with the in-place layers folded into it: BatchNorm and
/// Scale (into its weights and bias) and an activation (into its epilogue). Each absorbed layer
/// rewrites the anchor's blob in place, so the fused node's result lands where theirs would.
/// </summary>
public sealed record ConvFusion(Node Anchor, Node? BatchNorm, Node? Scale, Node? Activation)
{
    /// <summary>The absorbed layers in execution order.</summary>
    public IEnumerable<Node> Absorbed => new[] { BatchNorm, Scale, Activation }.OfType<Node>();

    /// <summary>The value the fused node finally writes (the last absorbed layer's output).</summary>
    public Value Result => (Activation ?? Scale ?? BatchNorm ?? Anchor).Outputs[0];
}
