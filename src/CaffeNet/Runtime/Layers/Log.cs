using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Log: log_base(shift + scale x), base -1 meaning e.</summary>
sealed class LogDefinition : NeuronDefinition
{
    public override string Type => "Log";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new LogLayer(node);

    protected override LayerAttributes Attributes(LayerContext c)
    {
        var p = c.Layer.LogParam ?? new LogParameter();
        if (p.Base != -1f && p.Base <= 0f) throw c.Error($"base must be positive or -1 (for e), got {p.Base}");
        return new ExpLogAttributes(p.Base, p.Scale, p.Shift);
    }
}

sealed class LogLayer(Node node) : ILayer
{
    readonly LogParams _p = Params(LayerFactory.Attributes<ExpLogAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Log.Forward(inputs[0], _p, outputs[0]);

    static LogParams Params(ExpLogAttributes a) => new(a.Base, a.Scale, a.Shift);
}
