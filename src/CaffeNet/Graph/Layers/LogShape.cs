using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Log: log_base(shift + scale x), base -1 meaning e.</summary>
internal sealed class LogShape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c)
    {
        var p = c.Layer.LogParam ?? new LogParameter();
        if (p.Base != -1f && p.Base <= 0f) throw c.Error($"base must be positive or -1 (for e), got {p.Base}");
        return new ExpLogAttributes(p.Base, p.Scale, p.Shift);
    }
}
