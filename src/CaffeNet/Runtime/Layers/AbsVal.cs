using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>AbsVal: |x|.</summary>
sealed class AbsValDefinition : NeuronDefinition
{
    public override string Type => "AbsVal";

    // Elementwise with a finite value at 0, so on a blocked value the zero padding lanes stay harmless.
    public override BlockedRole Blocked(Node node, int block) => BlockedRole.Through;

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new AbsValLayer();
}

sealed class AbsValLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.AbsVal.Forward(inputs[0], outputs[0]);
}
