using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Flatten: axes axis..end_axis (inclusive, negative from the end) become one.</summary>
internal sealed class FlattenShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        c.NotInPlace();
        var p = c.Layer.FlattenParam ?? new FlattenParameter();
        var input = c.Input;
        int start = c.Axis(p.Axis, input);
        int end = c.Axis(p.EndAxis, input, "end_axis");
        var dims = new List<long?>();
        dims.AddRange(input.OptionalDims.Take(start).Select(d => (long?)d));
        dims.Add(input.CountRangeIfKnown(start, end + 1));
        dims.AddRange(input.OptionalDims.Skip(end + 1).Select(d => (long?)d));
        return new LayerShapes([c.Output(dims)]) { Attributes = new FlattenAttributes(start, end) };
    }
}
