namespace CaffeNet.Graph;

/// <summary>ReLU: max(x, 0) + negative_slope min(x, 0).</summary>
internal sealed class ReLUShape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c) => new ReLUAttributes(c.Layer.ReluParam?.NegativeSlope ?? 0f);
}
