using CaffeNet.Graph;
using CaffeNet.Proto;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Normalize (SSD's fork): divides each sample (across_spatial) or each position's channel vector
/// by its L2 norm, sqrt(sum of squares + eps), then multiplies by a learned scale: one value
/// (channel_shared) or one per channel.
/// </summary>
sealed class NormalizeDefinition : LayerDefinition
{
    public override string Type => "Normalize";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new NormalizeLayer(node, blobs);

    /// <summary>The fork fills the scale with 1 unless scale_filler says otherwise.</summary>
    public override FillerParameter? Filler(Node node, int blob, FillerParameter? defaultWeights) =>
        node.Layer.NormParam?.ScaleFiller ?? new FillerParameter { Type = "constant", Value = 1 };

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        var p = c.Layer.NormParam ?? new NormalizeParameter();
        var input = c.Input;
        if (input.IsKnown && input.Rank < 2) throw c.Error($"needs at least 2 axes, got {input}");
        // A shared scale is a blob with no axes (one value), as the fork makes it.
        var scale = p.ChannelShared ? new Shape() : c.Output(input.Dim(1));
        return new LayerShapes([input])
        {
            Params = [scale],
            Attributes = new NormalizeAttributes(p.AcrossSpatial, p.ChannelShared, p.Eps),
            ElementwiseOps = input.CountIfKnown * 3,
        };
    }
}

sealed class NormalizeLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly NormalizeAttributes _a = LayerFactory.Attributes<NormalizeAttributes>(node);
    double[] _norms = [];

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        int length = Kernels.Normalize.ScratchLength(inputs[0].Shape, _a);
        if (_norms.Length < length) _norms = new double[length];
        Kernels.Normalize.Forward(inputs[0], blobs[0].Span, _a, _norms, outputs[0]);
    }
}
