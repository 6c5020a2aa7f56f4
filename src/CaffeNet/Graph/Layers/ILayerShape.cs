namespace CaffeNet.Graph;

/// <summary>
/// The shape rule for one Caffe layer type: from the input shapes and the layer's parameters, the
/// output shapes, the learnable blob shapes, typed attributes and the work done. Rules check what
/// Caffe's LayerSetUp and Reshape check, and report it through <see cref="LayerContext.Error"/>.
/// </summary>
internal interface ILayerShape
{
    LayerShapes Infer(LayerContext c);
}

/// <summary>The shape rule for a layer without bottoms that feeds the net (Input and data layers).</summary>
internal interface ISourceShape
{
    /// <summary>
    /// One shape per top, with unknown dimensions where Caffe would read them from a file the
    /// prototxt names; null where even the rank lives there.
    /// </summary>
    IReadOnlyList<Shape?> Tops(LayerContext c);

    /// <summary>Whether every top holds one batch of the same items (data and label), so they share dimension 0.</summary>
    bool SharedBatch { get; }

    /// <summary>
    /// The tops' shapes once the user has given some of them (<paramref name="given"/>, by top
    /// name): a layer whose tops share more than the batch fills the others from the given ones.
    /// </summary>
    IReadOnlyList<Shape?> WithGiven(LayerContext c, IReadOnlyList<Shape?> tops, IReadOnlyDictionary<string, Shape> given) => tops;
}

/// <summary>What a rule works out for one layer.</summary>
internal sealed record LayerShapes(IReadOnlyList<Shape> Outputs)
{
    public IReadOnlyList<Shape> Params { get; init; } = [];

    public LayerAttributes? Attributes { get; init; }

    /// <summary>Null when it depends on an unknown dimension.</summary>
    public long? Macs { get; init; } = 0;

    /// <summary>Null when it depends on an unknown dimension.</summary>
    public long? ElementwiseOps { get; init; } = 0;
}
