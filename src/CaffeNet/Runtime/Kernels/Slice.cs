namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// <paramref name="SlicePoints"/>: ascending indices on the axis where a new output starts; null
/// or empty splits the axis equally among the outputs.
/// </summary>
internal readonly record struct SliceParams(int Axis = 1, int[]? SlicePoints = null)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public SliceParams() : this(Axis: 1) { }
}

/// <summary>Caffe's Slice: the input cut along one axis into consecutive parts.</summary>
internal static class Slice
{
    public static TensorShape[] OutputShapes(TensorShape input, int outputCount, in SliceParams p)
    {
        int axis = input.CanonicalAxis(p.Axis);
        int size = input[axis];
        var sizes = new int[outputCount];
        var points = p.SlicePoints ?? [];
        if (points.Length > 0)
        {
            Require.Model(points.Length == outputCount - 1,
                $"Slice: {points.Length} slice points for {outputCount} outputs (expected {outputCount - 1})");
            int previous = 0;
            for (int i = 0; i < points.Length; i++)
            {
                Require.Model(points[i] > previous && points[i] < size,
                    $"Slice: slice point {points[i]} is not ascending within (0, {size}) on axis {axis} of {input}");
                sizes[i] = points[i] - previous;
                previous = points[i];
            }
            sizes[^1] = size - previous;
        }
        else
        {
            Require.Model(outputCount > 0 && size % outputCount == 0,
                $"Slice: axis {axis} of {input} (size {size}) cannot be split equally into {outputCount} outputs");
            Array.Fill(sizes, size / outputCount);
        }
        var shapes = new TensorShape[outputCount];
        for (int i = 0; i < outputCount; i++)
        {
            var dims = input.ToArray();
            dims[axis] = sizes[i];
            shapes[i] = new TensorShape(dims);
        }
        return shapes;
    }

    public static void Forward(in Tensor input, in SliceParams p, ReadOnlySpan<Tensor> outputs)
    {
        var shapes = OutputShapes(input.Shape, outputs.Length, p);
        for (int k = 0; k < outputs.Length; k++)
            Require.Shape(outputs[k], shapes[k], "Slice output");
        int axis = input.Shape.CanonicalAxis(p.Axis);
        int outer = input.Shape.CountRange(0, axis);
        int inner = input.Shape.CountFrom(axis + 1);
        int inRow = input.Shape[axis] * inner;
        var src = input.Span;
        int offset = 0;
        foreach (var output in outputs)
        {
            int row = output.Shape[axis] * inner;
            var dst = output.Span;
            for (int o = 0; o < outer; o++)
                src.Slice(o * inRow + offset, row).CopyTo(dst.Slice(o * row, row));
            offset += row;
        }
    }
}
