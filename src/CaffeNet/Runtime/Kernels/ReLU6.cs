namespace CaffeNet.Runtime.Kernels;

/// <summary>The forks' ReLU6 (MobileNet ports): out = min(max(x, 0), 6). In place is allowed.</summary>
internal static class ReLU6
{
    public static void Forward(in Tensor input, Tensor output)
    {
        Require.Shape(output, input.Shape, "ReLU6 output");
        Clip.Forward(input, new ClipParams(0, 6), output);
    }
}
