using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Power: (shift + scale x) ^ power.</summary>
internal sealed class PowerShape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c)
    {
        var p = c.Layer.PowerParam ?? new PowerParameter();
        return new PowerAttributes(p.Power, p.Scale, p.Shift);
    }
}
