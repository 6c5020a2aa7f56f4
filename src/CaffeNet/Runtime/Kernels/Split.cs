namespace CaffeNet.Runtime.Kernels;

/// <summary>Caffe's Split: every output is a copy of the input (an executor may alias them instead).</summary>
internal static class Split
{
    public static void Forward(in Tensor input, ReadOnlySpan<Tensor> outputs)
    {
        foreach (var output in outputs)
        {
            Require.Shape(output, input.Shape, "Split output");
            if (!output.SameStorage(input))
                input.Span.CopyTo(output.Span);
        }
    }
}
