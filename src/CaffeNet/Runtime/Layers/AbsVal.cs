namespace CaffeNet.Runtime.Layers;

sealed class AbsValLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.AbsVal.Forward(inputs[0], outputs[0]);
}
