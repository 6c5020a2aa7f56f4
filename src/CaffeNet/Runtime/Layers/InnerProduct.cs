using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class InnerProductLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly InnerProductParams _p = Params(LayerFactory.Attributes<InnerProductAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.InnerProduct.Forward(inputs[0], blobs[0].Span, blobs.Count > 1 ? blobs[1].Span : [], _p, outputs[0]);

    static InnerProductParams Params(InnerProductAttributes a) => new(a.NumOutput, a.Axis, a.Transpose);
}
