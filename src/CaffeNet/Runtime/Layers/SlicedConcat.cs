namespace CaffeNet.Runtime.Layers;

/// <summary>
/// A Concat whose inputs the memory plan placed in their slices of its output (<see
/// cref="ConcatSlices"/>): the layers before it wrote the output already.
/// </summary>
sealed class SlicedConcatLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
    }
}
