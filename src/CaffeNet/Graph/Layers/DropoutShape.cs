namespace CaffeNet.Graph;

/// <summary>Dropout: the identity at TEST; at TRAIN it zeroes a random dropout_ratio of values.</summary>
internal sealed class DropoutShape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c)
    {
        float ratio = c.Layer.DropoutParam?.DropoutRatio ?? 0.5f;
        if (ratio < 0f || ratio >= 1f) throw c.Error($"dropout_ratio must be in [0, 1), got {ratio}");
        return new DropoutAttributes(ratio);
    }
}
