namespace CaffeNet.Runtime.Layers;

/// <summary>Dropout at test time: the identity.</summary>
sealed class DropoutLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Dropout.Forward(inputs[0], outputs[0]);
}
