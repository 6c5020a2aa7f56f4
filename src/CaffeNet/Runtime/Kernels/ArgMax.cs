namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// <paramref name="Axis"/>: the axis to search along; null searches each item's flattened
/// features. <paramref name="OutMaxVal"/>: output the values (with the indices too, when there is
/// no axis).
/// </summary>
internal readonly record struct ArgMaxParams(bool OutMaxVal = false, int TopK = 1, int? Axis = null)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public ArgMaxParams() : this(TopK: 1) { }
}

/// <summary>
/// Caffe's ArgMax: the indices (or values) of the top k entries, largest first; among equal values
/// the larger index comes first, as Caffe's sort of (value, index) pairs gives. Without an axis
/// the output is N×1×k (N×2×k with the values after the indices); with one, the input's shape
/// with k on that axis.
/// </summary>
internal static class ArgMax
{
    public static TensorShape OutputShape(TensorShape input, in ArgMaxParams p)
    {
        Require.Model(p.TopK >= 1, $"ArgMax: top_k {p.TopK} must be at least 1");
        if (p.Axis is int a)
        {
            int axis = input.CanonicalAxis(a);
            Require.Model(p.TopK <= input[axis], $"ArgMax: top_k {p.TopK} is more than axis {axis} of {input} holds");
            var dims = input.ToArray();
            dims[axis] = p.TopK;
            return new TensorShape(dims);
        }
        Require.Model(input.Rank >= 1 && p.TopK <= input.CountFrom(1), $"ArgMax: top_k {p.TopK} is more than an item of {input} holds");
        var shape = new int[Math.Max(3, input.Rank)];
        Array.Fill(shape, 1);
        shape[0] = input[0];
        shape[1] = p.OutMaxVal ? 2 : 1;
        shape[2] = p.TopK;
        return new TensorShape(shape);
    }

    public static void Forward(in Tensor input, in ArgMaxParams p, Tensor output)
    {
        Require.Shape(output, OutputShape(input.Shape, p), "ArgMax output");
        int dim, stride;
        if (p.Axis is int a)
        {
            int axis = input.Shape.CanonicalAxis(a);
            dim = input.Shape[axis];
            stride = input.Shape.CountFrom(axis + 1);
        }
        else
        {
            dim = input.Shape.CountFrom(1);
            stride = 1;
        }
        int k = p.TopK;
        var src = input.Span;
        var dst = output.Span;
        var candidates = new (float Value, int Index)[dim];
        for (int i = 0; i < src.Length / dim; i++)
        {
            int outer = i / stride, inner = i % stride;
            for (int j = 0; j < dim; j++)
                candidates[j] = (src[(outer * dim + j) * stride + inner], j);
            Array.Sort(candidates, (x, y) => x.Value != y.Value ? y.Value.CompareTo(x.Value) : y.Index.CompareTo(x.Index));
            for (int j = 0; j < k; j++)
            {
                if (p.Axis is null && p.OutMaxVal)
                {
                    dst[2 * i * k + j] = candidates[j].Index;
                    dst[2 * i * k + k + j] = candidates[j].Value;
                }
                else
                    dst[(outer * k + j) * stride + inner] = p.OutMaxVal ? candidates[j].Value : candidates[j].Index;
            }
        }
    }
}
