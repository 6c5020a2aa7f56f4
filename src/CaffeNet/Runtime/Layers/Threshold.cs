using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

sealed class ThresholdLayer(Node node) : ILayer
{
    readonly float _threshold = LayerFactory.Attributes<ThresholdAttributes>(node).Threshold;

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Threshold.Forward(inputs[0], _threshold, outputs[0]);
}
