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
    /// <summary>One shape per top; null where Caffe would read it from a file the prototxt names.</summary>
    IReadOnlyList<Shape?> Tops(LayerContext c);
}

/// <summary>What a rule works out for one layer.</summary>
internal sealed record LayerShapes(IReadOnlyList<Shape> Outputs)
{
    public IReadOnlyList<Shape> Params { get; init; } = [];

    public LayerAttributes? Attributes { get; init; }

    public long Macs { get; init; }

    public long ElementwiseOps { get; init; }
}
