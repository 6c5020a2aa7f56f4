namespace CaffeNet.Runtime.Kernels;

/// <summary><paramref name="Axis"/>: the first input axis the bias's shape lines up with.</summary>
internal readonly record struct BiasParams(int Axis = 1)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public BiasParams() : this(Axis: 1) { }
}

/// <summary>
/// Caffe's Bias: out = x + bias, bias shaped like input axes from <c>axis</c> on and broadcast
/// over the rest (a learned blob, shaped by <see cref="Scale.ParamShape"/>, or a second input).
/// </summary>
internal static class Bias
{
    public static void Forward(in Tensor input, in Tensor bias, in BiasParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "Bias output");
        var (outer, dim, inner) = Scale.Broadcast(input.Shape, bias.Shape, p.Axis, "Bias");
        var src = input.Span;
        var dst = output.Span;
        var values = bias.Span;
        for (int n = 0; n < outer; n++)
        {
            for (int d = 0; d < dim; d++)
            {
                float b = values[d];
                int start = (n * dim + d) * inner;
                for (int i = start; i < start + inner; i++)
                    dst[i] = src[i] + b;
            }
        }
    }
}
