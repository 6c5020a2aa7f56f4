using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>Swish: x sigmoid(beta x).</summary>
sealed class SwishDefinition : NeuronDefinition
{
    public override string Type => "Swish";

    // Elementwise with a finite value at 0, so on a blocked value the zero padding lanes stay harmless.
    public override BlockedRole Blocked(Node node, int block) => BlockedRole.Through;

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new SwishLayer(node);

    protected override LayerAttributes Attributes(LayerContext c) => new SwishAttributes(c.Layer.SwishParam?.Beta ?? 1f);
}

sealed class SwishLayer(Node node) : ILayer
{
    readonly float _beta = LayerFactory.Attributes<SwishAttributes>(node).Beta;

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Swish.Forward(inputs[0], _beta, outputs[0]);
}
