using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Permute (SSD's fork): output axis i is input axis order[i]; axes the order leaves out follow in
/// their original order.
/// </summary>
sealed class PermuteDefinition : LayerDefinition
{
    public override string Type => "Permute";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new PermuteLayer(node);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        var input = c.Input;
        var order = new List<int>();
        foreach (var axis in c.Layer.PermuteParam?.Order ?? [])
        {
            if (axis >= input.Rank) throw c.Error($"order {axis} is out of range for a {input.Rank}-axis input ({input})");
            if (order.Contains((int)axis)) throw c.Error($"order repeats axis {axis}");
            order.Add((int)axis);
        }
        for (int i = 0; i < input.Rank; i++)
            if (!order.Contains(i)) order.Add(i);
        var output = c.Output(order.Select(a => (long?)input.Dim(a)));
        return new LayerShapes([output]) { Attributes = new PermuteAttributes(order) };
    }
}

sealed class PermuteLayer(Node node) : ILayer
{
    readonly PermuteParams _p = new([.. LayerFactory.Attributes<PermuteAttributes>(node).Order]);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Permute.Forward(inputs[0], _p, outputs[0]);
}
