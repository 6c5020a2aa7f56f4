namespace CaffeNet.Graph;

/// <summary>Swish: x sigmoid(beta x).</summary>
internal sealed class SwishShape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c) => new SwishAttributes(c.Layer.SwishParam?.Beta ?? 1f);
}
