namespace CaffeNet.Graph;

/// <summary>PReLU: a learned negative slope per channel (axis 1), or one shared (a scalar blob).</summary>
internal sealed class PReLUShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        if (c.Input.Rank < 2) throw c.Error($"needs an input with at least 2 axes, got {c.Input}");
        bool shared = c.Layer.PreluParam?.ChannelShared ?? false;
        return new LayerShapes([c.Input])
        {
            Params = [shared ? new Shape() : Shape.Partial([c.Input.Dim(1)])],
            Attributes = new PReLUAttributes(shared),
            ElementwiseOps = c.Input.CountIfKnown,
        };
    }
}
