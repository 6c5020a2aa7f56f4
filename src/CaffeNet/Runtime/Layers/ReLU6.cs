namespace CaffeNet.Runtime.Layers;

/// <summary>The forks' ReLU6: min(max(x, 0), 6).</summary>
sealed class ReLU6Layer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ReLU6.Forward(inputs[0], outputs[0]);
}
