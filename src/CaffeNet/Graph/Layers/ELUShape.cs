namespace CaffeNet.Graph;

/// <summary>ELU: x for x > 0, else alpha (exp(x) - 1).</summary>
internal sealed class ELUShape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c) => new ELUAttributes(c.Layer.EluParam?.Alpha ?? 1f);
}
