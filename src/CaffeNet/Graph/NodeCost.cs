namespace CaffeNet.Graph;

/// <summary>What a node costs. A figure is null when it depends on a dimension that is unknown (<see cref="Shape.Partial"/>).</summary>
/// <param name="Params">Elements in the layer's learnable blobs, as a caffemodel stores them.</param>
/// <param name="Macs">Multiply-accumulates of convolutions and inner products (and similar matrix work).</param>
/// <param name="ElementwiseOps">Other per-element work (activations, normalisation, pooling, eltwise).</param>
/// <param name="OutputBytes">Bytes of the node's outputs as 32-bit floats.</param>
public sealed record NodeCost(long? Params, long? Macs, long? ElementwiseOps, long? OutputBytes);
