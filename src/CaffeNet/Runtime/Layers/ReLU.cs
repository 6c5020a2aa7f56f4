using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>ReLU: max(x, 0) + negative_slope min(x, 0).</summary>
sealed class ReLUDefinition : NeuronDefinition
{
    public override string Type => "ReLU";

    // Elementwise with a finite value at 0, so on a blocked value the zero padding lanes stay harmless.
    public override BlockedRole Blocked(Node node, int block) => BlockedRole.Through;

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ReLULayer(node);

    protected override LayerAttributes Attributes(LayerContext c) => new ReLUAttributes(c.Layer.ReluParam?.NegativeSlope ?? 0f);
}

sealed class ReLULayer(Node node) : ILayer
{
    readonly ReLUParams _p = new(LayerFactory.Attributes<ReLUAttributes>(node).NegativeSlope);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ReLU.Forward(inputs[0], _p, outputs[0]);
}
