using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Crop: bottom 0 cut to the size of bottom 1 (whose values are not read).</summary>
sealed class CropLayer(Node node) : ILayer
{
    readonly CropParams _p = Params(LayerFactory.Attributes<CropAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Crop.Forward(inputs[0], inputs[1].Shape, _p, outputs[0]);

    static CropParams Params(CropAttributes a) => new(a.Axis, [.. a.Offsets]);
}
