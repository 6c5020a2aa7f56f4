namespace CaffeNet.Runtime.Layers;

sealed class BNLLLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.BNLL.Forward(inputs[0], outputs[0]);
}
