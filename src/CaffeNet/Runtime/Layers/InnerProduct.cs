using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// InnerProduct: axes from `axis` on are flattened into K inputs; the output keeps the axes before
/// it and adds num_output. Weight N x K (K x N when transposed), bias N. An unknown K is taken
/// from the weights when they are given.
/// </summary>
sealed class InnerProductDefinition : LayerDefinition
{
    public override string Type => "InnerProduct";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new InnerProductLayer(node, blobs);

    public override FillerParameter? Filler(Node node, int blob, FillerParameter? defaultWeights) =>
        blob == 0 ? node.Layer.InnerProductParam?.WeightFiller ?? defaultWeights : node.Layer.InnerProductParam?.BiasFiller;

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        var p = c.Layer.InnerProductParam ?? new InnerProductParameter();
        if (p.NumOutput == 0 || p.NumOutput > int.MaxValue)
            throw c.Error($"num_output must be a positive int, got {p.NumOutput}");
        int n = (int)p.NumOutput;
        var input = c.Input;
        int axis = c.Axis(p.Axis, input);
        long? k = input.CountFromIfKnown(axis) ?? KFromWeights(c, p.Transpose);
        long? m = input.CountRangeIfKnown(0, axis);
        var output = c.Output(input.OptionalDims.Take(axis).Select(d => (long?)d).Append(n));
        int? kInt = k is null or <= int.MaxValue ? (int?)k : throw c.Error($"input of {k} features is too large");
        var weight = Shape.Partial(p.Transpose ? [kInt, n] : [n, kInt]);
        return new LayerShapes([output])
        {
            Params = p.BiasTerm ? [weight, new Shape(n)] : [weight],
            Attributes = new InnerProductAttributes(n, p.BiasTerm, axis, p.Transpose),
            Macs = checked(m * k * n),
        };
    }

    static long? KFromWeights(LayerContext c, bool transposed) =>
        c.Layer.Blobs.Count == 0 ? null : BlobShapes.Dim(c.Layer.Blobs[0], transposed ? 0 : 1, 2);
}

sealed class InnerProductLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly InnerProductParams _p = Params(LayerFactory.Attributes<InnerProductAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.InnerProduct.Forward(inputs[0], blobs[0].Span, blobs.Count > 1 ? blobs[1].Span : [], _p, outputs[0]);

    static InnerProductParams Params(InnerProductAttributes a) => new(a.NumOutput, a.Axis, a.Transpose);
}
