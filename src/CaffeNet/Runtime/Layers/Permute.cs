using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class PermuteLayer(Node node) : ILayer
{
    readonly PermuteParams _p = new([.. LayerFactory.Attributes<PermuteAttributes>(node).Order]);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Permute.Forward(inputs[0], _p, outputs[0]);
}
