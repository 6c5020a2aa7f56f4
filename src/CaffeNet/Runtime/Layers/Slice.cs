using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Slice: cuts one axis at the slice points, or into equal parts (one per top) when none are
/// given. If the axis's size is unknown, so are the parts the points do not bound.
/// </summary>
sealed class SliceDefinition : LayerDefinition
{
    public override string Type => "Slice";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new SliceLayer(node);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1, int.MaxValue);
        var p = c.Layer.SliceParam ?? new SliceParameter();
        var input = c.Input;
        int axis;
        if (p.HasSliceDim)
        {
            if (p.HasAxis) throw c.Error("give either axis or slice_dim, not both");
            axis = p.SliceDim < (uint)input.Rank ? (int)p.SliceDim : throw c.Error($"slice_dim {p.SliceDim} is out of range for {input}");
        }
        else
        {
            axis = c.Axis(p.Axis, input);
        }
        int? size = input.Dim(axis);
        var points = new List<int>();
        if (p.SlicePoint.Count > 0)
        {
            if (p.SlicePoint.Count != c.TopCount - 1)
                throw c.Error($"{p.SlicePoint.Count} slice point(s) need {p.SlicePoint.Count + 1} tops, got {c.TopCount}");
            if (c.TopCount > size)
                throw c.Error($"cannot cut axis {axis} of size {size} into {c.TopCount} parts");
            long previous = 0;
            foreach (var point in p.SlicePoint)
            {
                if (point <= previous) throw c.Error($"slice points must increase, got {string.Join(", ", p.SlicePoint)}");
                points.Add(checked((int)point));
                previous = point;
            }
            if (previous >= size)
                throw c.Error($"slice point {previous} is beyond axis {axis} of size {size}");
        }
        else if (size is { } known)
        {
            if (known % c.TopCount != 0)
                throw c.Error($"{c.TopCount} tops do not evenly divide axis {axis} of size {size}");
            for (int i = 1; i < c.TopCount; i++)
                points.Add(i * (known / c.TopCount));
        }
        // Equal parts of an unknown size leave every bound but the first unknown.
        var bounds = p.SlicePoint.Count == 0 && size is null
            ? Enumerable.Repeat<long?>(null, c.TopCount).Prepend(0).ToList()
            : points.Select(b => (long?)b).Prepend(0).Append(size).ToList();
        var outputs = new List<Shape>();
        for (int i = 0; i < c.TopCount; i++)
            outputs.Add(c.Output(input.OptionalDims.Select((d, j) => j == axis ? bounds[i + 1] - bounds[i] : d)));
        return new LayerShapes(outputs) { Attributes = new SliceAttributes(axis, points) };
    }
}

sealed class SliceLayer(Node node) : ILayer
{
    readonly SliceParams _p = Params(LayerFactory.Attributes<SliceAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Slice.Forward(inputs[0], _p, outputs);

    static SliceParams Params(SliceAttributes a) => new(a.Axis, [.. a.Points]);
}
