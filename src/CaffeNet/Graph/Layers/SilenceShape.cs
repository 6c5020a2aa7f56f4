namespace CaffeNet.Graph;

/// <summary>Silence: consumes its bottoms so they are not net outputs; no tops.</summary>
internal sealed class SilenceShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1, int.MaxValue);
        c.Tops(0);
        return new LayerShapes([]);
    }
}
