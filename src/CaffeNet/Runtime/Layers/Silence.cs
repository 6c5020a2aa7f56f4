using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>Silence: consumes its bottoms so they are not net outputs; no tops.</summary>
sealed class SilenceDefinition : LayerDefinition
{
    public override string Type => "Silence";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new SilenceLayer();

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1, int.MaxValue);
        c.Tops(0);
        return new LayerShapes([]);
    }
}

/// <summary>Silence: consumes its bottoms and produces nothing.</summary>
sealed class SilenceLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) { }
}
