namespace CaffeNet.Runtime.Kernels;

/// <summary>Caffe's Threshold: out = 1 where x > threshold, else 0. In place is allowed.</summary>
internal static class Threshold
{
    public static void Forward(in Tensor input, float threshold, Tensor output)
    {
        Require.Shape(output, input.Shape, "Threshold output");
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
            dst[i] = src[i] > threshold ? 1 : 0;
    }
}
