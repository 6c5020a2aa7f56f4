using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Reshape: replaces input axes [axis, axis + num_axes) by the given dims, where 0 copies the input
/// dim at the same position and one -1 is inferred so the element count is kept. Copied unknown
/// dims stay unknown, and so does the -1 when the count or another dim is.
/// </summary>
sealed class ReshapeDefinition : LayerDefinition
{
    public override string Type => "Reshape";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ReshapeLayer(node);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        c.NotInPlace();
        var p = c.Layer.ReshapeParam ?? new ReshapeParameter();
        var input = c.Input;
        var spec = p.Shape?.Dim ?? [];
        int start = p.Axis >= 0 ? p.Axis : input.Rank + p.Axis + 1;
        if (start < 0 || start > input.Rank)
            throw c.Error($"axis {p.Axis} is out of range for a {input.Rank}-axis input ({input})");
        if (p.NumAxes < -1)
            throw c.Error($"num_axes must be >= 0, or -1 for all, got {p.NumAxes}");
        int end = p.NumAxes == -1 ? input.Rank : start + p.NumAxes;
        if (end > input.Rank)
            throw c.Error($"axis {p.Axis} + num_axes {p.NumAxes} go past the input's {input.Rank} axes");

        var dims = new List<long?>();
        dims.AddRange(input.OptionalDims.Take(start).Select(d => (long?)d));
        int inferred = -1;
        for (int i = 0; i < spec.Count; i++)
        {
            long? d = spec[i];
            if (d == 0)
            {
                if (start + i >= input.Rank)
                    throw c.Error($"shape dim {i} is 0 but the input has no axis {start + i} to copy");
                d = input.Dim(start + i);
            }
            else if (d == -1)
            {
                if (inferred >= 0) throw c.Error("shape may contain at most one -1");
                inferred = dims.Count;
            }
            else if (d < -1)
            {
                throw c.Error($"shape dim {i} is {d}; only positive sizes, 0 (copy) and -1 (infer) are allowed");
            }
            dims.Add(d);
        }
        dims.AddRange(input.OptionalDims.Skip(end).Select(d => (long?)d));

        if (inferred >= 0)
        {
            long? known = dims.Where((_, i) => i != inferred).Aggregate((long?)1L, (a, d) => checked(a * d));
            if (input.CountIfKnown % known is { } rest && rest != 0)
                throw c.Error($"cannot infer the -1: the input's {input.Count} elements are not divisible by {known}");
            dims[inferred] = input.CountIfKnown / known;
        }
        var output = c.Output(dims);
        if (output.CountIfKnown is { } count && input.CountIfKnown is { } expected && count != expected)
            throw c.Error($"output {output} has {count} elements but the input {input} has {expected}");
        return new LayerShapes([output]);
    }
}

/// <summary>Reshape: its parameters come from the layer itself (the graph keeps no attributes for it).</summary>
sealed class ReshapeLayer(Node node) : ILayer
{
    readonly ReshapeParams _p = Params(node.Layer.ReshapeParam ?? new ReshapeParameter());

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Reshape.Forward(inputs[0], _p, outputs[0]);

    static ReshapeParams Params(ReshapeParameter p) =>
        new([.. (p.Shape?.Dim ?? []).Select(d => checked((int)d))], p.Axis, p.NumAxes);
}
