namespace CaffeNet.Runtime.Kernels;

internal readonly record struct ConcatParams(int Axis = 1)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public ConcatParams() : this(Axis: 1) { }
}

/// <summary>Caffe's Concat: inputs joined along one axis; all other dimensions must agree.</summary>
internal static class Concat
{
    public static TensorShape OutputShape(ReadOnlySpan<TensorShape> inputs, in ConcatParams p)
    {
        Require.Model(inputs.Length > 0, "Concat: needs at least one input");
        var first = inputs[0];
        int axis = first.CanonicalAxis(p.Axis);
        var dims = first.ToArray();
        for (int k = 1; k < inputs.Length; k++)
        {
            var s = inputs[k];
            Require.Model(s.Rank == first.Rank, $"Concat: inputs {first} and {s} differ in rank");
            for (int i = 0; i < s.Rank; i++)
            {
                if (i != axis)
                    Require.Model(s[i] == first[i], $"Concat: inputs {first} and {s} differ outside axis {axis}");
            }
            dims[axis] += s[axis];
        }
        return new TensorShape(dims);
    }

    public static void Forward(ReadOnlySpan<Tensor> inputs, in ConcatParams p, Tensor output)
    {
        var shapes = new TensorShape[inputs.Length];
        for (int k = 0; k < inputs.Length; k++)
            shapes[k] = inputs[k].Shape;
        Require.Shape(output, OutputShape(shapes, p), "Concat output");
        int axis = output.Shape.CanonicalAxis(p.Axis);
        int outer = output.Shape.CountRange(0, axis);
        int inner = output.Shape.CountFrom(axis + 1);
        int outRow = output.Shape[axis] * inner;
        var dst = output.Span;
        int offset = 0;
        foreach (var input in inputs)
        {
            int row = input.Shape[axis] * inner;
            var src = input.Span;
            for (int o = 0; o < outer; o++)
                src.Slice(o * row, row).CopyTo(dst.Slice(o * outRow + offset, row));
            offset += row;
        }
    }
}
