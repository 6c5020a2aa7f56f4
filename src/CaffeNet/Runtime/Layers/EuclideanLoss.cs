namespace CaffeNet.Runtime.Layers;

sealed class EuclideanLossLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.EuclideanLoss.Forward(inputs[0], inputs[1], outputs[0]);
}
