namespace CaffeNet.Runtime.Kernels;

internal readonly record struct SoftmaxParams(int Axis = 1)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public SoftmaxParams() : this(Axis: 1) { }
}

/// <summary>
/// Caffe's Softmax along one axis: out = exp(x − max) / Σ exp(x − max), the maximum and the sum
/// taken over that axis separately for every position of the other axes.
/// </summary>
internal static class Softmax
{
    public static void Forward(in Tensor input, in SoftmaxParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "Softmax output");
        int axis = input.Shape.CanonicalAxis(p.Axis);
        int outer = input.Shape.CountRange(0, axis);
        int channels = input.Shape[axis];
        int inner = input.Shape.CountFrom(axis + 1);
        var src = input.Span;
        var dst = output.Span;
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int start = o * channels * inner + i;
                float max = float.NegativeInfinity;
                for (int c = 0; c < channels; c++)
                    max = Math.Max(max, src[start + c * inner]);
                float sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    float e = MathF.Exp(src[start + c * inner] - max);
                    dst[start + c * inner] = e;
                    sum += e;
                }
                for (int c = 0; c < channels; c++)
                    dst[start + c * inner] /= sum;
            }
        }
    }
}
