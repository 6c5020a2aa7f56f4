namespace CaffeNet.Runtime.Kernels;

/// <summary><paramref name="Axis"/>: the first input axis the scale's shape lines up with.</summary>
internal readonly record struct ScaleParams(int Axis = 1)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public ScaleParams() : this(Axis: 1) { }
}

/// <summary>
/// Caffe's Scale: out = x · scale (+ bias), where scale's shape matches the input's axes from
/// <c>axis</c> on and is broadcast over the axes before and after. The scale is a learned blob or
/// a second input; a rank-0 scale multiplies everything.
/// </summary>
internal static class Scale
{
    /// <summary>
    /// The shape of the learned scale blob: input axes [axis, axis + numAxes), or to the end
    /// when <paramref name="numAxes"/> is −1. Bias uses the same rule.
    /// </summary>
    public static TensorShape ParamShape(TensorShape input, int axis, int numAxes, string layerType = "Scale")
    {
        int start = input.CanonicalAxis(axis);
        Require.Model(numAxes >= -1, $"{layerType}: num_axes {numAxes} must be -1 or more");
        int end = numAxes == -1 ? input.Rank : start + numAxes;
        Require.Model(end <= input.Rank, $"{layerType}: axes {start}..{end - 1} extend past input {input}");
        return new TensorShape(input.Dims[start..end]);
    }

    /// <summary><paramref name="bias"/> is empty without a bias term, else shaped like the scale.</summary>
    public static void Forward(in Tensor input, in Tensor scale, ReadOnlySpan<float> bias, in ScaleParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "Scale output");
        var (outer, dim, inner) = Broadcast(input.Shape, scale.Shape, p.Axis, "Scale");
        if (!bias.IsEmpty)
            Require.Length(bias, dim, "Scale bias");
        var src = input.Span;
        var dst = output.Span;
        var factors = scale.Span;
        for (int n = 0; n < outer; n++)
        {
            for (int d = 0; d < dim; d++)
            {
                float f = factors[d];
                float b = bias.IsEmpty ? 0 : bias[d];
                int start = (n * dim + d) * inner;
                // Scale then add, two roundings, as Caffe's Scale followed by its Bias.
                for (int i = start; i < start + inner; i++)
                    dst[i] = src[i] * f + b;
            }
        }
    }

    /// <summary>
    /// Splits the input's elements as outer × dim × inner where dim is the parameter's element
    /// count: Caffe's rule for Scale and Bias, including that a rank-0 parameter starts at axis 0.
    /// </summary>
    internal static (int Outer, int Dim, int Inner) Broadcast(TensorShape input, TensorShape param, int axis, string layerType)
    {
        int start = param.Rank == 0 ? 0 : input.CanonicalAxis(axis);
        Require.Model(start + param.Rank <= input.Rank,
            $"{layerType}: a {param} parameter from axis {start} extends past input {input}");
        for (int i = 0; i < param.Rank; i++)
            Require.Model(input[start + i] == param[i],
                $"{layerType}: parameter {param} does not match input {input} from axis {start}");
        return (input.CountRange(0, start), param.Count, input.CountFrom(start + param.Rank));
    }
}
