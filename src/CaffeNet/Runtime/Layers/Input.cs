using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>Input: shapes from input_param, given once for all tops, once per top, or not at all.</summary>
sealed class InputDefinition : SourceDefinition
{
    public override string Type => "Input";

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        var shapes = c.Layer.InputParam?.Shape ?? [];
        if (shapes.Count > 1 && shapes.Count != c.TopCount)
            throw c.Error($"give input_param's shape once, once per top ({c.TopCount}), or not at all; got {shapes.Count}");
        return Enumerable.Range(0, c.TopCount)
            .Select(i => shapes.Count == 0 ? null : c.Output(shapes[shapes.Count == 1 ? 0 : i].Dim))
            .ToList();
    }
}
