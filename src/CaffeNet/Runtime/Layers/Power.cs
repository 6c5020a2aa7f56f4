using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class PowerLayer(Node node) : ILayer
{
    readonly PowerParams _p = Params(LayerFactory.Attributes<PowerAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Power.Forward(inputs[0], _p, outputs[0]);

    static PowerParams Params(PowerAttributes a) => new(a.Power, a.Scale, a.Shift);
}
