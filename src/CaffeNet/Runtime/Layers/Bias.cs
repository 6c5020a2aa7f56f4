using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Bias: adds a term spanning axes [axis, axis + num_axes) of the input, learned or given as a second bottom.</summary>
sealed class BiasDefinition : LayerDefinition
{
    public override string Type => "Bias";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new BiasLayer(node, blobs);

    public override FillerParameter? Filler(Node node, int blob, FillerParameter? defaultWeights) => node.Layer.BiasParam?.Filler;

    public override LayerShapes Infer(LayerContext c)
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

/// <summary>Bias: adds a learned blob or the second bottom.</summary>
sealed class BiasLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly ScaleAttributes _a = LayerFactory.Attributes<ScaleAttributes>(node);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Bias.Forward(inputs[0], _a.FromInput ? inputs[1] : blobs[0], new BiasParams(_a.Axis), outputs[0]);
}
