using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>BNLL: log(1 + exp(x)).</summary>
sealed class BNLLDefinition : NeuronDefinition
{
    public override string Type => "BNLL";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new BNLLLayer();
}

sealed class BNLLLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.BNLL.Forward(inputs[0], outputs[0]);
}
