using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// DummyData: shapes from `shape`, or from the legacy num/channels/height/width lists; each given
/// once for all tops or once per top.
/// </summary>
sealed class DummyDataDefinition : SourceDefinition
{
    public override string Type => "DummyData";

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, int.MaxValue);
        var p = c.Layer.DummyDataParam ?? throw c.Error("needs dummy_data_param with the top shapes");
        int n = c.TopCount;
        bool legacy = p.Num.Count > 0 || p.Channels.Count > 0 || p.Height.Count > 0 || p.Width.Count > 0;
        if (legacy)
        {
            if (p.Shape.Count > 0) throw c.Error("give shape or num/channels/height/width, not both");
            foreach (var (name, list) in new[] { ("num", p.Num), ("channels", p.Channels), ("height", p.Height), ("width", p.Width) })
                if (list.Count != 1 && list.Count != n)
                    throw c.Error($"give {Excerpt.Name(name)} once or once per top ({n}); got {list.Count}");
            return Enumerable.Range(0, n)
                .Select(i => (Shape?)c.Output(Pick(p.Num, i), Pick(p.Channels, i), Pick(p.Height, i), Pick(p.Width, i)))
                .ToList();
        }
        if (p.Shape.Count != 1 && p.Shape.Count != n)
            throw c.Error($"give 'shape' once or once per top ({n}); got {p.Shape.Count}");
        return Enumerable.Range(0, n).Select(i => (Shape?)c.Output(p.Shape[p.Shape.Count == 1 ? 0 : i].Dim)).ToList();
    }

    static long Pick(IList<uint> list, int i) => list[list.Count == 1 ? 0 : i];
}
