using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>TanH: tanh(x).</summary>
sealed class TanHDefinition : NeuronDefinition
{
    public override string Type => "TanH";

    // Elementwise with a finite value at 0, so on a blocked value the zero padding lanes stay harmless.
    public override BlockedRole Blocked(Node node, int block) => BlockedRole.Through;

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new TanHLayer();
}

sealed class TanHLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.TanH.Forward(inputs[0], outputs[0]);
}
