using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Scale: multiplies by a factor spanning axes [axis, axis + num_axes) of the input, learned or
/// given as a second bottom; with bias_term, a learned bias of the same span is added.
/// </summary>
sealed class ScaleDefinition : LayerDefinition
{
    public override string Type => "Scale";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ScaleLayer(node, blobs);

    /// <summary>The factor (a blob only with one bottom) starts at 1 unless a filler is given.</summary>
    public override FillerParameter? Filler(Node node, int blob, FillerParameter? defaultWeights) => blob == 0 && node.Inputs.Count == 1
        ? node.Layer.ScaleParam?.Filler ?? new FillerParameter { Type = "constant", Value = 1 }
        : node.Layer.ScaleParam?.BiasFiller;

    public override LayerShapes Infer(LayerContext c)
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

/// <summary>Scale by a learned blob or by the second bottom, plus a learned bias with bias_term.</summary>
sealed class ScaleLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly ScaleAttributes _a = LayerFactory.Attributes<ScaleAttributes>(node);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var factor = _a.FromInput ? inputs[1] : blobs[0];
        var bias = _a.BiasTerm ? blobs[^1].Span : [];
        Kernels.Scale.Forward(inputs[0], factor, bias, new ScaleParams(_a.Axis), outputs[0]);
    }
}
