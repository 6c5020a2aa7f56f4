namespace CaffeNet.Runtime.Kernels;

internal readonly record struct FlattenParams(int Axis = 1, int EndAxis = -1)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public FlattenParams() : this(Axis: 1) { }
}

/// <summary>
/// Caffe's Flatten: axes axis..end_axis become one axis of their product count; the data are
/// unchanged (an executor may alias the output to the input).
/// </summary>
internal static class Flatten
{
    public static TensorShape OutputShape(TensorShape input, in FlattenParams p)
    {
        int start = input.CanonicalAxis(p.Axis);
        int end = input.CanonicalAxis(p.EndAxis);
        Require.Model(start <= end, $"Flatten: axis {p.Axis} comes after end_axis {p.EndAxis} for input {input}");
        return new TensorShape([.. input.Dims[..start], input.CountRange(start, end + 1), .. input.Dims[(end + 1)..]]);
    }

    public static void Forward(in Tensor input, in FlattenParams p, Tensor output)
    {
        Require.Shape(output, OutputShape(input.Shape, p), "Flatten output");
        if (!output.SameStorage(input))
            input.Span.CopyTo(output.Span);
    }
}
