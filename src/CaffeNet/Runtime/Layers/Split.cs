namespace CaffeNet.Runtime.Layers;

sealed class SplitLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Split.Forward(inputs[0], outputs);
}
