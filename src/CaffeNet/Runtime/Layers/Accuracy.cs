using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Accuracy; the optional second top receives the per-class accuracies.</summary>
sealed class AccuracyLayer(Node node) : ILayer
{
    readonly AccuracyParams _p = Params(LayerFactory.Attributes<AccuracyAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Accuracy.Forward(inputs[0], inputs[1], _p, outputs[0], outputs.Length > 1 ? outputs[1].Span : []);

    static AccuracyParams Params(AccuracyAttributes a) => new(a.TopK, a.Axis, a.IgnoreLabel);
}
