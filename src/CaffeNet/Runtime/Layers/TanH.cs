namespace CaffeNet.Runtime.Layers;

sealed class TanHLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.TanH.Forward(inputs[0], outputs[0]);
}
