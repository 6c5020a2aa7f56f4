namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// <paramref name="Shape"/>: the new dimensions, where 0 copies the input dimension at that place
/// and one −1 is inferred. They replace input axes [axis, axis + numAxes) (to the end when
/// numAxes is −1); a negative axis counts from the end with −1 meaning after the last axis.
/// </summary>
internal readonly record struct ReshapeParams(int[] Shape, int Axis = 0, int NumAxes = -1);

/// <summary>Caffe's Reshape: new dimensions over the same data (an executor may alias them).</summary>
internal static class Reshape
{
    public static TensorShape OutputShape(TensorShape input, in ReshapeParams p)
    {
        int start = p.Axis >= 0 ? p.Axis : input.Rank + p.Axis + 1;
        Require.Model(start >= 0 && start <= input.Rank, $"Reshape: axis {p.Axis} is out of range for input {input}");
        Require.Model(p.NumAxes >= -1, $"Reshape: num_axes {p.NumAxes} must be -1 or more");
        int end = p.NumAxes == -1 ? input.Rank : start + p.NumAxes;
        Require.Model(end <= input.Rank, $"Reshape: axis {p.Axis} + num_axes {p.NumAxes} goes past input {input}");

        var dims = new List<int>(input.Dims[..start].ToArray());
        int inferred = -1;
        long known = (long)input.CountRange(0, start) * input.CountFrom(end);
        for (int i = 0; i < p.Shape.Length; i++)
        {
            int d = p.Shape[i];
            if (d == 0)
            {
                Require.Model(start + i < input.Rank, $"Reshape: dimension {i} is 0 (copy) but input {input} has no axis {start + i}");
                d = input[start + i];
            }
            else if (d == -1)
            {
                Require.Model(inferred < 0, "Reshape: more than one dimension is -1");
                inferred = dims.Count;
            }
            else
                Require.Model(d > 0, $"Reshape: dimension {d} must be positive, 0 (copy) or -1 (infer)");
            dims.Add(d);
            if (d != -1)
                known *= d;
        }
        dims.AddRange(input.Dims[end..].ToArray());
        if (inferred >= 0)
        {
            Require.Model(known > 0 && input.Count % known == 0,
                $"Reshape: input {input} ({input.Count} elements) cannot be divided by the given dimensions ({known})");
            dims[inferred] = (int)(input.Count / known);
        }
        var shape = new TensorShape([.. dims]);
        Require.Model(shape.Count == input.Count, $"Reshape: {shape} has {shape.Count} elements, input {input} has {input.Count}");
        return shape;
    }

    public static void Forward(in Tensor input, in ReshapeParams p, Tensor output)
    {
        Require.Shape(output, OutputShape(input.Shape, p), "Reshape output");
        if (!output.SameStorage(input))
            input.Span.CopyTo(output.Span);
    }
}
