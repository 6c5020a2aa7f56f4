namespace CaffeNet.Graph;

/// <summary>
/// The layer types a graph is built with, by Caffe type name: the shape stage's view of the
/// runtime's layer registry, which defines each type's shape rule beside its forward.
/// </summary>
public abstract class ShapeRules
{
    private protected ShapeRules() { }

    /// <summary>The rule for a layer type that computes (has bottoms); null when the type is not defined.</summary>
    internal abstract ILayerShape? Rule(string type);

    /// <summary>The rule for a layer type that only feeds the net (Input, data layers); null when it is not one.</summary>
    internal abstract ISourceShape? Source(string type);
}
