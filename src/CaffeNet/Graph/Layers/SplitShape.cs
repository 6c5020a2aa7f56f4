namespace CaffeNet.Graph;

/// <summary>Split: every top is a copy of the one bottom.</summary>
internal sealed class SplitShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1, int.MaxValue);
        return new LayerShapes(Enumerable.Repeat(c.Input, c.TopCount).ToList());
    }
}
