using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Bias: adds a learned blob or the second bottom.</summary>
sealed class BiasLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly ScaleAttributes _a = LayerFactory.Attributes<ScaleAttributes>(node);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Bias.Forward(inputs[0], _a.FromInput ? inputs[1] : blobs[0], new BiasParams(_a.Axis), outputs[0]);
}
