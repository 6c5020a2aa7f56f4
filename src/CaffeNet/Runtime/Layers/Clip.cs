using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class ClipLayer(Node node) : ILayer
{
    readonly ClipParams _p = Params(LayerFactory.Attributes<ClipAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Clip.Forward(inputs[0], _p, outputs[0]);

    static ClipParams Params(ClipAttributes a) => new(a.Min, a.Max);
}
