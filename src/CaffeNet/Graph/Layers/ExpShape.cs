using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Exp: base ^ (shift + scale x), base -1 meaning e.</summary>
internal sealed class ExpShape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c)
    {
        var p = c.Layer.ExpParam ?? new ExpParameter();
        if (p.Base != -1f && p.Base <= 0f) throw c.Error($"base must be positive or -1 (for e), got {p.Base}");
        return new ExpLogAttributes(p.Base, p.Scale, p.Shift);
    }
}
