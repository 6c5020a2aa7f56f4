using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Simd;

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

    /// <summary>The same, for a layer whose kernels can use the executor's worker threads (default: it ignores them).</summary>
    public virtual ILayer Create(Node node, IReadOnlyList<Tensor> blobs, WorkerPool? pool) => Create(node, blobs);

    /// <summary>
    /// The filler Caffe's layer uses for learnable blob <paramref name="blob"/> when the model has
    /// none; null for FillerParameter's default (constant 0). A layer with a weight blob (a
    /// convolution's or inner product's) takes <paramref name="defaultWeights"/> (`init --filler`)
    /// for it when the prototxt sets no filler.
    /// </summary>
    public virtual FillerParameter? Filler(Node node, int blob, FillerParameter? defaultWeights) => null;
}
