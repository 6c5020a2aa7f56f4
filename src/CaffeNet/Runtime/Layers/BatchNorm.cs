using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>BatchNorm with its three statistics blobs (mean sum, variance sum, scale factor).</summary>
sealed class BatchNormLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly BatchNormParams _p = Params(LayerFactory.Attributes<BatchNormAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.BatchNorm.Forward(inputs[0], blobs[0].Span, blobs[1].Span, blobs[2].Span, _p, outputs[0]);

    static BatchNormParams Params(BatchNormAttributes a) => new(a.Eps, a.UseGlobalStats);
}
