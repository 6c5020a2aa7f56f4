using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Clip: min(max(x, min), max).</summary>
sealed class ClipDefinition : NeuronDefinition
{
    public override string Type => "Clip";

    // Elementwise with a finite value at 0, so on a blocked value the zero padding lanes stay harmless.
    public override BlockedRole Blocked(Node node, int block) => BlockedRole.Through;

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ClipLayer(node);

    protected override LayerAttributes Attributes(LayerContext c)
    {
        var p = c.Layer.ClipParam ?? throw c.Error("needs clip_param with min and max");
        if (!p.HasMin || !p.HasMax) throw c.Error("clip_param needs both min and max");
        if (p.Min > p.Max) throw c.Error($"clip_param min {p.Min} is above max {p.Max}");
        return new ClipAttributes(p.Min, p.Max);
    }
}

sealed class ClipLayer(Node node) : ILayer
{
    readonly ClipParams _p = Params(LayerFactory.Attributes<ClipAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Clip.Forward(inputs[0], _p, outputs[0]);

    static ClipParams Params(ClipAttributes a) => new(a.Min, a.Max);
}
