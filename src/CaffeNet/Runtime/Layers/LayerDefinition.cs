using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>A layer type that computes: Caffe's shape rule (<see cref="Infer"/>) and the runnable layer.</summary>
abstract class LayerDefinition : LayerType, ILayerShape
{
    public abstract LayerShapes Infer(LayerContext c);

    /// <summary>
    /// The layer bound to a node this definition shaped (its attributes are the ones
    /// <see cref="Infer"/> gave) and to its learnable blobs, in blob order.
    /// </summary>
    public abstract ILayer Create(Node node, IReadOnlyList<Tensor> blobs);
}
