namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// The SSD fork's Permute: output axis i is input axis order[i]. <paramref name="Order"/> names
/// every axis once.
/// </summary>
internal readonly record struct PermuteParams(int[] Order);

internal static class Permute
{
    public static TensorShape OutputShape(TensorShape input, in PermuteParams p)
    {
        Require.Model(p.Order.Length == input.Rank && p.Order.Order().SequenceEqual(Enumerable.Range(0, input.Rank)),
            $"Permute: order [{string.Join(", ", p.Order)}] is not a permutation of the {input.Rank} axes of {input}");
        return new TensorShape([.. p.Order.Select(a => input[a])]);
    }

    public static void Forward(in Tensor input, in PermuteParams p, Tensor output)
    {
        Require.Shape(output, OutputShape(input.Shape, p), "Permute output");
        int rank = input.Rank;
        var inStrides = new int[rank];
        for (int i = rank - 1, s = 1; i >= 0; s *= input.Shape[i], i--)
            inStrides[i] = s;
        // The input stride of each output axis, then an odometer over the output.
        var strides = p.Order.Select(a => inStrides[a]).ToArray();
        var index = new int[rank];
        var src = input.Span;
        var dst = output.Span;
        int from = 0;
        for (int at = 0; at < dst.Length; at++)
        {
            dst[at] = src[from];
            for (int i = rank - 1; i >= 0; i--)
            {
                from += strides[i];
                if (++index[i] < output.Shape[i])
                    break;
                from -= strides[i] * index[i];
                index[i] = 0;
            }
        }
    }
}
