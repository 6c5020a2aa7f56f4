using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>ReLU6 (MobileNet forks): min(max(x, 0), 6), the same as Clip(0, 6).</summary>
sealed class ReLU6Definition : NeuronDefinition
{
    public override string Type => "ReLU6";

    // Elementwise with a finite value at 0, so on a blocked value the zero padding lanes stay harmless.
    public override BlockedRole Blocked(Node node, int block) => BlockedRole.Through;

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ReLU6Layer();

    protected override LayerAttributes Attributes(LayerContext c) => new ClipAttributes(0f, 6f);
}

/// <summary>The forks' ReLU6: min(max(x, 0), 6).</summary>
sealed class ReLU6Layer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ReLU6.Forward(inputs[0], outputs[0]);
}
