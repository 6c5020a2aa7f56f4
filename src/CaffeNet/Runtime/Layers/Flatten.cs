using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Flatten: axes axis..end_axis (inclusive, negative from the end) become one.</summary>
sealed class FlattenDefinition : LayerDefinition
{
    public override string Type => "Flatten";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new FlattenLayer(node);

    public override LayerShapes Infer(LayerContext c)
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

sealed class FlattenLayer(Node node) : ILayer
{
    readonly FlattenParams _p = Params(LayerFactory.Attributes<FlattenAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Flatten.Forward(inputs[0], _p, outputs[0]);

    static FlattenParams Params(FlattenAttributes a) => new(a.Axis, a.EndAxis);
}
