using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>Threshold: 1 where x > threshold, else 0.</summary>
sealed class ThresholdDefinition : NeuronDefinition
{
    public override string Type => "Threshold";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new ThresholdLayer(node);

    protected override LayerAttributes Attributes(LayerContext c) => new ThresholdAttributes(c.Layer.ThresholdParam?.Threshold ?? 0f);
}

sealed class ThresholdLayer(Node node) : ILayer
{
    readonly float _threshold = LayerFactory.Attributes<ThresholdAttributes>(node).Threshold;

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Threshold.Forward(inputs[0], _threshold, outputs[0]);
}
