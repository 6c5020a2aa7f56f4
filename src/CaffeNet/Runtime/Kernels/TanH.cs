namespace CaffeNet.Runtime.Kernels;

/// <summary>Caffe's TanH: out = tanh(x). In place is allowed.</summary>
internal static class TanH
{
    public static void Forward(in Tensor input, Tensor output)
    {
        Require.Shape(output, input.Shape, "TanH output");
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
            dst[i] = MathF.Tanh(src[i]);
    }
}
