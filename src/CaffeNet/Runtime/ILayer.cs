namespace CaffeNet.Runtime;

/// <summary>
/// A layer ready to run: its parameters resolved and its weights bound. Forward reads the input
/// tensors and writes every output tensor; an output may share storage with the input at the same
/// position when the layer runs in place.
/// </summary>
internal interface ILayer
{
    void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs);
}
