namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// <paramref name="Axis"/>: axes from here on are flattened into one input vector per item.
/// <paramref name="Transpose"/>: weights are stored [K, num_output] instead of [num_output, K].
/// </summary>
internal readonly record struct InnerProductParams(int NumOutput, int Axis = 1, bool Transpose = false);

/// <summary>
/// Caffe's InnerProduct: with M = count of axes before <c>axis</c> and K = count from it,
/// out[m, n] = bias[n] + Σ_k x[m, k] · W[n, k] (W[k, n] when transposed). Output shape is the
/// input's axes before <c>axis</c> followed by num_output.
/// </summary>
internal static class InnerProduct
{
    public static TensorShape OutputShape(TensorShape input, in InnerProductParams p)
    {
        Require.Model(p.NumOutput > 0, $"InnerProduct: num_output {p.NumOutput} must be positive");
        int axis = input.CanonicalAxis(p.Axis);
        return new TensorShape([.. input.Dims[..axis], p.NumOutput]);
    }

    public static TensorShape WeightShape(TensorShape input, in InnerProductParams p)
    {
        int k = input.CountFrom(input.CanonicalAxis(p.Axis));
        return p.Transpose ? [k, p.NumOutput] : [p.NumOutput, k];
    }

    /// <summary><paramref name="bias"/> is empty when the layer has no bias term.</summary>
    public static void Forward(in Tensor input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        in InnerProductParams p, Tensor output)
    {
        Require.Shape(output, OutputShape(input.Shape, p), "InnerProduct output");
        int axis = input.Shape.CanonicalAxis(p.Axis);
        int m = input.Shape.CountRange(0, axis);
        int k = input.Shape.CountFrom(axis);
        int n = p.NumOutput;
        Require.Length(weights, n * k, "InnerProduct weights");
        if (!bias.IsEmpty)
            Require.Length(bias, n, "InnerProduct bias");
        var dst = output.Span;
        Gemm.Multiply(m, n, k, input.Span, false, weights, !p.Transpose, dst);
        if (bias.IsEmpty)
            return;
        for (int row = 0; row < m; row++)
        {
            var r = dst.Slice(row * n, n);
            for (int j = 0; j < n; j++)
                r[j] += bias[j];
        }
    }
}
