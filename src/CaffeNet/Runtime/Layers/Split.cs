using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>Split: every top is a copy of the one bottom.</summary>
sealed class SplitDefinition : LayerDefinition
{
    public override string Type => "Split";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new SplitLayer();

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1, int.MaxValue);
        return new LayerShapes(Enumerable.Repeat(c.Input, c.TopCount).ToList());
    }
}

sealed class SplitLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Split.Forward(inputs[0], outputs);
}
