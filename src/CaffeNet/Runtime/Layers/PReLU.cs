using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>PReLU: a learned negative slope per channel (axis 1), or one shared (a scalar blob).</summary>
sealed class PReLUDefinition : LayerDefinition
{
    public override string Type => "PReLU";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new PReLULayer(node, blobs);

    /// <summary>The slope starts at 0.25 unless a filler is given, as Caffe's PReLU setup says.</summary>
    public override FillerParameter? Filler(Node node, int blob, FillerParameter? defaultWeights) =>
        node.Layer.PreluParam?.Filler ?? new FillerParameter { Type = "constant", Value = 0.25f };

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        if (c.Input.Rank < 2) throw c.Error($"needs an input with at least 2 axes, got {c.Input}");
        bool shared = c.Layer.PreluParam?.ChannelShared ?? false;
        return new LayerShapes([c.Input])
        {
            Params = [shared ? new Shape() : Shape.Partial([c.Input.Dim(1)])],
            Attributes = new PReLUAttributes(shared),
            ElementwiseOps = c.Input.CountIfKnown,
        };
    }
}

sealed class PReLULayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly PReLUParams _p = new(LayerFactory.Attributes<PReLUAttributes>(node).ChannelShared);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.PReLU.Forward(inputs[0], blobs[0].Span, _p, outputs[0]);
}
