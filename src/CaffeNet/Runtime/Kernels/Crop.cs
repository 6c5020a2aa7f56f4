namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// <paramref name="Offsets"/>: where the crop starts on each axis from <c>Axis</c> on (one value
/// applies to all of them; none means 0).
/// </summary>
internal readonly record struct CropParams(int Axis, int[] Offsets);

/// <summary>
/// Caffe's Crop: the input cut to the reference's size on every axis from <c>axis</c> on,
/// starting at the given offsets; axes before it are kept whole.
/// </summary>
internal static class Crop
{
    public static TensorShape OutputShape(TensorShape input, TensorShape reference, in CropParams p)
    {
        int start = input.CanonicalAxis(p.Axis);
        Require.Model(reference.Rank == input.Rank, $"Crop: reference {reference} and input {input} differ in rank");
        Require.Model(p.Offsets.Length <= 1 || p.Offsets.Length == input.Rank - start,
            $"Crop: {p.Offsets.Length} offsets for the {input.Rank - start} axes from axis {start}");
        var dims = input.ToArray();
        for (int i = start; i < input.Rank; i++)
        {
            int offset = Offset(p, i - start);
            Require.Model(offset >= 0 && input[i] - offset >= reference[i],
                $"Crop: {reference[i]} from offset {offset} does not fit axis {i} of input {input}");
            dims[i] = reference[i];
        }
        return new TensorShape(dims);
    }

    public static void Forward(in Tensor input, TensorShape reference, in CropParams p, Tensor output)
    {
        Require.Shape(output, OutputShape(input.Shape, reference, p), "Crop output");
        int rank = input.Rank;
        int start = input.Shape.CanonicalAxis(p.Axis);
        var offsets = new int[rank];
        for (int i = start; i < rank; i++)
            offsets[i] = Offset(p, i - start);
        var src = input.Span;
        var dst = output.Span;
        if (dst.IsEmpty)
            return;
        if (rank == 0)
        {
            src.CopyTo(dst);
            return;
        }
        // Copy whole rows of the last axis, walking every other axis with an odometer.
        int row = output.Shape[rank - 1];
        var index = new int[rank];
        for (int at = 0; at < dst.Length; at += row)
        {
            int from = 0;
            for (int i = 0; i < rank; i++)
                from = from * input.Shape[i] + index[i] + offsets[i];
            src.Slice(from, row).CopyTo(dst.Slice(at, row));
            for (int i = rank - 2; i >= 0; i--)
            {
                if (++index[i] < output.Shape[i])
                    break;
                index[i] = 0;
            }
        }
    }

    static int Offset(in CropParams p, int i) => p.Offsets.Length switch
    {
        0 => 0,
        1 => p.Offsets[0],
        _ => p.Offsets[i],
    };
}
