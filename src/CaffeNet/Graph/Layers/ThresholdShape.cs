namespace CaffeNet.Graph;

/// <summary>Threshold: 1 where x > threshold, else 0.</summary>
internal sealed class ThresholdShape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c) => new ThresholdAttributes(c.Layer.ThresholdParam?.Threshold ?? 0f);
}
