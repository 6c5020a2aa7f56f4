using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>LRN: normalises each value by its neighbours across channels or within a channel; shape unchanged.</summary>
internal sealed class LRNShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        c.Rank(c.Input, 4, "(N, C, H, W) input");
        var p = c.Layer.LrnParam ?? new LRNParameter();
        if (p.LocalSize % 2 != 1) throw c.Error($"local_size must be odd, got {p.LocalSize}");
        int size = checked((int)p.LocalSize);
        return new LayerShapes([c.Input])
        {
            Attributes = new LRNAttributes(size, p.Alpha, p.Beta, p.K, p.NormRegion),
            ElementwiseOps = checked(c.Input.CountIfKnown * size),
        };
    }
}
