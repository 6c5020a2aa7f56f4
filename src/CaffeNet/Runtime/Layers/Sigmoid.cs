using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>Sigmoid: 1 / (1 + exp(-x)).</summary>
sealed class SigmoidDefinition : NeuronDefinition
{
    public override string Type => "Sigmoid";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new SigmoidLayer();
}

sealed class SigmoidLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Sigmoid.Forward(inputs[0], outputs[0]);
}
