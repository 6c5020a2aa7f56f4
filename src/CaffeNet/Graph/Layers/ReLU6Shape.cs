namespace CaffeNet.Graph;

/// <summary>ReLU6 (MobileNet forks): min(max(x, 0), 6), the same as Clip(0, 6).</summary>
internal sealed class ReLU6Shape : NeuronShape
{
    protected override LayerAttributes Attributes(LayerContext c) => new ClipAttributes(0f, 6f);
}
