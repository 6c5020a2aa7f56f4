namespace CaffeNet.Runtime.Layers;

/// <summary>
/// One built-in Caffe layer type, defined in one file named after it: its type names and shape
/// rule, and (for a layer that computes) its forward. <see cref="BuiltInLayers"/> lists them.
/// </summary>
abstract class LayerType
{
    /// <summary>The Caffe type name, as in `type: "..."`; case-sensitive, as in Caffe.</summary>
    public abstract string Type { get; }

    /// <summary>Other names the forks give the same type.</summary>
    public virtual IReadOnlyList<string> Aliases => [];
}
