using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class LRNLayer(Node node) : ILayer
{
    readonly LRNParams _p = Params(LayerFactory.Attributes<LRNAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.LRN.Forward(inputs[0], _p, outputs[0]);

    static LRNParams Params(LRNAttributes a) => new(a.LocalSize, a.Alpha, a.Beta, a.K,
        a.Region == LRNParameter.Types.NormRegion.WithinChannel ? LRNRegion.WithinChannel : LRNRegion.AcrossChannels);
}
