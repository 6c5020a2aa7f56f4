namespace CaffeNet.Runtime.Kernels;

internal enum EltwiseOperation { Sum, Prod, Max }

/// <summary>
/// <paramref name="Coefficients"/>: for SUM, one factor per input (null means all 1).
/// </summary>
internal readonly record struct EltwiseParams(EltwiseOperation Operation = EltwiseOperation.Sum, float[]? Coefficients = null)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public EltwiseParams() : this(EltwiseOperation.Sum) { }
}

/// <summary>
/// Caffe's Eltwise over inputs of one shape: product, weighted sum Σ coeff[i] · x_i, or maximum.
/// The output may share storage with the first input.
/// </summary>
internal static class Eltwise
{
    public static void Forward(ReadOnlySpan<Tensor> inputs, in EltwiseParams p, Tensor output)
    {
        Require.Model(inputs.Length >= 2, $"Eltwise: needs at least 2 inputs, got {inputs.Length}");
        foreach (var input in inputs)
            Require.Model(input.Shape == inputs[0].Shape, $"Eltwise: input shapes differ: {inputs[0].Shape} and {input.Shape}");
        Require.Shape(output, inputs[0].Shape, "Eltwise output");
        var dst = output.Span;
        switch (p.Operation)
        {
            case EltwiseOperation.Prod:
                inputs[0].Span.CopyTo(dst);
                for (int k = 1; k < inputs.Length; k++)
                {
                    var src = inputs[k].Span;
                    for (int i = 0; i < dst.Length; i++)
                        dst[i] *= src[i];
                }
                break;
            case EltwiseOperation.Sum:
                var coefficients = p.Coefficients;
                Require.Model(coefficients is null || coefficients.Length == inputs.Length,
                    $"Eltwise: {coefficients?.Length} coefficients for {inputs.Length} inputs");
                // First term written, later ones added: the output may alias the first input.
                float c0 = coefficients?[0] ?? 1;
                var first = inputs[0].Span;
                for (int i = 0; i < dst.Length; i++)
                    dst[i] = c0 * first[i];
                for (int k = 1; k < inputs.Length; k++)
                {
                    float c = coefficients?[k] ?? 1;
                    var src = inputs[k].Span;
                    for (int i = 0; i < dst.Length; i++)
                        dst[i] += c * src[i];
                }
                break;
            case EltwiseOperation.Max:
                inputs[0].Span.CopyTo(dst);
                for (int k = 1; k < inputs.Length; k++)
                {
                    var src = inputs[k].Span;
                    for (int i = 0; i < dst.Length; i++)
                    {
                        if (src[i] > dst[i])
                            dst[i] = src[i];
                    }
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(p), p.Operation, "unknown Eltwise operation");
        }
    }
}
