namespace CaffeNet.Graph;

/// <summary>Clip: min(max(x, min), max).</summary>
internal sealed class ClipShape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c)
    {
        var p = c.Layer.ClipParam ?? throw c.Error("needs clip_param with min and max");
        if (!p.HasMin || !p.HasMax) throw c.Error("clip_param needs both min and max");
        if (p.Min > p.Max) throw c.Error($"clip_param min {p.Min} is above max {p.Max}");
        return new ClipAttributes(p.Min, p.Max);
    }
}
