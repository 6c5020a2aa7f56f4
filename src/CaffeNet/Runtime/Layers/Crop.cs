using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Crop: bottom 0 cut to bottom 1's size on every axis from `axis` on, at the given offsets (one
/// for all such axes, one per axis, or none for 0).
/// </summary>
sealed class CropDefinition : LayerDefinition
{
    public override string Type => "Crop";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new CropLayer(node);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(2);
        c.Tops(1);
        var p = c.Layer.CropParam ?? new CropParameter();
        var (data, reference) = (c.Inputs[0], c.Inputs[1]);
        int axis = c.Axis(p.Axis, data);
        int cropped = data.Rank - axis;
        if (p.Offset.Count > 1 && p.Offset.Count != cropped)
            throw c.Error($"{p.Offset.Count} offsets given for {cropped} axes from axis {axis}; give one, or one per axis");
        if (reference.Rank != data.Rank)
            throw c.Error($"bottom 1 ({reference}) must have as many axes as bottom 0 ({data})");
        var offsets = new List<int>();
        var dims = new List<long?>();
        for (int i = 0; i < data.Rank; i++)
        {
            if (i < axis)
            {
                dims.Add(data.Dim(i));
                continue;
            }
            long offset = p.Offset.Count switch { 0 => 0, 1 => p.Offset[0], _ => p.Offset[i - axis] };
            if (data.Dim(i) - offset < reference.Dim(i))
                throw c.Error($"crop of axis {i} to size {reference[i]} at offset {offset} goes past the input size {data[i]}");
            offsets.Add((int)offset);
            dims.Add(reference.Dim(i));
        }
        return new LayerShapes([c.Output(dims)]) { Attributes = new CropAttributes(axis, offsets) };
    }
}

/// <summary>Crop: bottom 0 cut to the size of bottom 1 (whose values are not read).</summary>
sealed class CropLayer(Node node) : ILayer
{
    readonly CropParams _p = Params(LayerFactory.Attributes<CropAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Crop.Forward(inputs[0], inputs[1].Shape, _p, outputs[0]);

    static CropParams Params(CropAttributes a) => new(a.Axis, [.. a.Offsets]);
}
