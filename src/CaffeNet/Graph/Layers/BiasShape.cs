using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Bias: adds a term spanning axes [axis, axis + num_axes) of the input, learned or given as a second bottom.</summary>
internal sealed class BiasShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1, 2);
        c.Tops(1);
        var p = c.Layer.BiasParam ?? new BiasParameter();
        var (axis, bias) = Broadcast.Resolve(c, p.Axis, p.NumAxes, "bias");
        return new LayerShapes([c.Input])
        {
            Params = c.Inputs.Count == 1 ? [bias] : [],
            Attributes = new ScaleAttributes(axis, bias.Rank, BiasTerm: true, FromInput: c.Inputs.Count == 2),
            ElementwiseOps = c.Input.CountIfKnown,
        };
    }
}
