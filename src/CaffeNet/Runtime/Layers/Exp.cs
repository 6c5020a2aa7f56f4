using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Exp: base ^ (shift + scale x), base -1 meaning e.</summary>
sealed class ExpDefinition : NeuronDefinition
{
    public override string Type => "Exp";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ExpLayer(node);

    protected override LayerAttributes Attributes(LayerContext c)
    {
        var p = c.Layer.ExpParam ?? new ExpParameter();
        if (p.Base != -1f && p.Base <= 0f) throw c.Error($"base must be positive or -1 (for e), got {p.Base}");
        return new ExpLogAttributes(p.Base, p.Scale, p.Shift);
    }
}

sealed class ExpLayer(Node node) : ILayer
{
    readonly ExpParams _p = Params(LayerFactory.Attributes<ExpLogAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Exp.Forward(inputs[0], _p, outputs[0]);

    static ExpParams Params(ExpLogAttributes a) => new(a.Base, a.Scale, a.Shift);
}
