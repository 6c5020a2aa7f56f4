namespace CaffeNet.Graph.Passes;

/// <summary>
/// A Convolution or InnerProduct together with the layers folded into it: BatchNorm and Scale
/// (into its weights and bias), an Eltwise SUM shortcut (its other input added in the epilogue)
/// and an activation (a clamp in the epilogue, after the sum). BatchNorm, Scale and the activation
/// rewrite one blob in place; the shortcut writes a new blob, which the fused node then writes
/// directly (see <see cref="FuseEltwise"/>). A 1x1 convolution may also take the depthwise
/// convolution that reads its result, with that one's own fusion (see <see cref="ChainDepthwise"/>).
/// </summary>
internal sealed record ConvFusion(Node Anchor, Node? BatchNorm, Node? Scale, Node? Activation)
{
    /// <summary>The Eltwise SUM whose other input (<see cref="Residual"/>) the epilogue adds.</summary>
    public Node? Eltwise { get; init; }

    /// <summary>The depthwise convolution (with its folded layers) run band by band with this one, or null.</summary>
    public ConvFusion? Depthwise { get; init; }

    /// <summary>The shortcut's other input, or null without a fused Eltwise.</summary>
    public Value? Residual => Eltwise?.Inputs.Single(v => v != EltwiseInput);

    /// <summary>The absorbed layers in execution order.</summary>
    public IEnumerable<Node> Absorbed => new[] { BatchNorm, Scale, Eltwise, Activation }.OfType<Node>()
        .Concat(Depthwise is null ? [] : [Depthwise.Anchor, .. Depthwise.Absorbed]);

    /// <summary>The value the fused node finally writes (the last absorbed layer's output).</summary>
    public Value Result => Depthwise?.Result ?? OwnResult;

    /// <summary>The convolution's own result, after its folded layers (the chained depthwise reads it).</summary>
    public Value OwnResult => (Activation ?? Eltwise ?? Scale ?? BatchNorm ?? Anchor).Outputs[0];

    /// <summary>The convolution's folded result as the Eltwise reads it.</summary>
    Value EltwiseInput => (Scale ?? BatchNorm ?? Anchor).Outputs[0];
}
