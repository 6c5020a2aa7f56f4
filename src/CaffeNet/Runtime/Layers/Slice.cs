using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class SliceLayer(Node node) : ILayer
{
    readonly SliceParams _p = Params(LayerFactory.Attributes<SliceAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Slice.Forward(inputs[0], _p, outputs);

    static SliceParams Params(SliceAttributes a) => new(a.Axis, [.. a.Points]);
}
