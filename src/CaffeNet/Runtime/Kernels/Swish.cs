namespace CaffeNet.Runtime.Kernels;

/// <summary>Caffe's Swish: out = x · sigmoid(β·x), the sigmoid taken as Caffe's Sigmoid does. In place is allowed.</summary>
internal static class Swish
{
    public static void Forward(in Tensor input, float beta, Tensor output)
    {
        Require.Shape(output, input.Shape, "Swish output");
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
        {
            float x = src[i];
            dst[i] = x * (0.5f * MathF.Tanh(0.5f * (beta * x)) + 0.5f);
        }
    }
}
