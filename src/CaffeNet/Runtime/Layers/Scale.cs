using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Scale by a learned blob or by the second bottom, plus a learned bias with bias_term.</summary>
sealed class ScaleLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly ScaleAttributes _a = LayerFactory.Attributes<ScaleAttributes>(node);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var factor = _a.FromInput ? inputs[1] : blobs[0];
        var bias = _a.BiasTerm ? blobs[^1].Span : [];
        Kernels.Scale.Forward(inputs[0], factor, bias, new ScaleParams(_a.Axis), outputs[0]);
    }
}
