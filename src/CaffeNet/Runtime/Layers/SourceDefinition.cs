using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>A layer type that only feeds the net (Input, data layers): its tops become graph inputs.</summary>
abstract class SourceDefinition : LayerType, ISourceShape
{
    public abstract IReadOnlyList<Shape?> Tops(LayerContext c);

    /// <inheritdoc/>
    public virtual bool SharedBatch => false;

    /// <inheritdoc/>
    public virtual IReadOnlyList<Shape?> WithGiven(LayerContext c, IReadOnlyList<Shape?> tops, IReadOnlyDictionary<string, Shape> given) => tops;
}
