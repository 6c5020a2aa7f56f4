using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>Sigmoid: 1 / (1 + exp(-x)).</summary>
sealed class SigmoidDefinition : NeuronDefinition
{
    public override string Type => "Sigmoid";

    // Elementwise with a finite value at 0, so on a blocked value the zero padding lanes stay harmless.
    public override BlockedRole Blocked(Node node, int block) => BlockedRole.Through;

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new SigmoidLayer();
}

sealed class SigmoidLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Sigmoid.Forward(inputs[0], outputs[0]);
}
