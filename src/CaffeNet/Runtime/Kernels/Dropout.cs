namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// Caffe's Dropout at test time: the identity (Caffe scales kept units by 1/(1 − ratio) while
/// training, so nothing is rescaled at test).
/// </summary>
internal static class Dropout
{
    public static void Forward(in Tensor input, Tensor output)
    {
        Require.Shape(output, input.Shape, "Dropout output");
        if (!output.SameStorage(input))
            input.Span.CopyTo(output.Span);
    }
}
