using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Power: (shift + scale x) ^ power.</summary>
sealed class PowerDefinition : NeuronDefinition
{
    public override string Type => "Power";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new PowerLayer(node);

    protected override LayerAttributes Attributes(LayerContext c)
    {
        var p = c.Layer.PowerParam ?? new PowerParameter();
        return new PowerAttributes(p.Power, p.Scale, p.Shift);
    }
}

sealed class PowerLayer(Node node) : ILayer
{
    readonly PowerParams _p = Params(LayerFactory.Attributes<PowerAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Power.Forward(inputs[0], _p, outputs[0]);

    static PowerParams Params(PowerAttributes a) => new(a.Power, a.Scale, a.Shift);
}
