namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// Caffe's Sigmoid, computed as Caffe does: 0.5 · tanh(0.5 · x) + 0.5, which cannot overflow.
/// In place is allowed.
/// </summary>
internal static class Sigmoid
{
    public static void Forward(in Tensor input, Tensor output)
    {
        Require.Shape(output, input.Shape, "Sigmoid output");
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
            dst[i] = 0.5f * MathF.Tanh(0.5f * src[i]) + 0.5f;
    }
}
