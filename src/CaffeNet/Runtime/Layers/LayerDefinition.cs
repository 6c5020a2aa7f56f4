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
    /// How the layer at <paramref name="node"/> can run on channel-blocked values (see
    /// <see cref="Graph.Passes.ChannelLayout"/>); the default: it cannot.
    /// </summary>
    public virtual BlockedRole Blocked(Node node, int block) => BlockedRole.None;

    /// <summary>
    /// The layer bound to run on blocked values, for a node whose <see cref="Blocked"/> role is not
    /// None. The default suits a layer whose kernel is the same over any layout (elementwise, or a
    /// copy of whole blocks): its tensors come rounded up to whole blocks of channels.
    /// </summary>
    public virtual ILayer CreateBlocked(Node node, IReadOnlyList<Tensor> blobs, int block, WorkerPool? pool) => Create(node, blobs, pool);

    /// <summary>
    /// The filler Caffe's layer uses for learnable blob <paramref name="blob"/> when the model has
    /// none; null for FillerParameter's default (constant 0). A layer with a weight blob (a
    /// convolution's or inner product's) takes <paramref name="defaultWeights"/> (`init --filler`)
    /// for it when the prototxt sets no filler.
    /// </summary>
    public virtual FillerParameter? Filler(Node node, int blob, FillerParameter? defaultWeights) => null;
}

/// <summary>How an unfused layer can take part in a run of channel-blocked values.</summary>
internal enum BlockedRole
{
    /// <summary>NCHW only.</summary>
    None,

    /// <summary>Reads every input and writes every output blocked, or runs all NCHW: the layout passes through it.</summary>
    Through,

    /// <summary>Reads its (one) input blocked and writes NCHW, ending a run (a global average pooling).</summary>
    Ends,
}
