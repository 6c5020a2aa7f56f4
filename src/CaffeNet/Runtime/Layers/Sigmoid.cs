namespace CaffeNet.Runtime.Layers;

sealed class SigmoidLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Sigmoid.Forward(inputs[0], outputs[0]);
}
