using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>ELU: x for x > 0, else alpha (exp(x) - 1).</summary>
sealed class ELUDefinition : NeuronDefinition
{
    public override string Type => "ELU";

    // Elementwise with a finite value at 0, so on a blocked value the zero padding lanes stay harmless.
    public override BlockedRole Blocked(Node node, int block) => BlockedRole.Through;

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ELULayer(node);

    protected override LayerAttributes Attributes(LayerContext c) => new ELUAttributes(c.Layer.EluParam?.Alpha ?? 1f);
}

sealed class ELULayer(Node node) : ILayer
{
    readonly float _alpha = LayerFactory.Attributes<ELUAttributes>(node).Alpha;

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ELU.Forward(inputs[0], _alpha, outputs[0]);
}
