namespace CaffeNet.Runtime.Kernels;

/// <summary>Caffe's AbsVal: out = |x|.</summary>
internal static class AbsVal
{
    public static void Forward(in Tensor input, Tensor output)
    {
        Require.Shape(output, input.Shape, "AbsVal output");
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
            dst[i] = MathF.Abs(src[i]);
    }
}
