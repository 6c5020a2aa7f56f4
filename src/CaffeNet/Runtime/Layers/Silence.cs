namespace CaffeNet.Runtime.Layers;

/// <summary>Silence: consumes its bottoms and produces nothing.</summary>
sealed class SilenceLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) { }
}
