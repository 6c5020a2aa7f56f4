using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>
/// Scale: multiplies by a factor spanning axes [axis, axis + num_axes) of the input, learned or
/// given as a second bottom; with bias_term, a learned bias of the same span is added.
/// </summary>
internal sealed class ScaleShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1, 2);
        c.Tops(1);
        var p = c.Layer.ScaleParam ?? new ScaleParameter();
        var (axis, factor) = Broadcast.Resolve(c, p.Axis, p.NumAxes, "scale");
        var parameters = new List<Shape>();
        if (c.Inputs.Count == 1) parameters.Add(factor);
        if (p.BiasTerm) parameters.Add(factor);
        return new LayerShapes([c.Input])
        {
            Params = parameters,
            Attributes = new ScaleAttributes(axis, factor.Rank, p.BiasTerm, FromInput: c.Inputs.Count == 2),
            ElementwiseOps = c.Input.CountIfKnown * (p.BiasTerm ? 2 : 1),
        };
    }
}
