namespace CaffeNet.Runtime.Kernels;

/// <summary><paramref name="Base"/> −1 means e.</summary>
internal readonly record struct ExpParams(float Base = -1, float Scale = 1, float Shift = 0)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public ExpParams() : this(Base: -1) { }
}

/// <summary>
/// Caffe's Exp: out = base^(shift + scale·x), computed as Caffe does: e^(ln(base)·scale·x)
/// times base^shift. In place is allowed.
/// </summary>
internal static class Exp
{
    public static void Forward(in Tensor input, in ExpParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "Exp output");
        Require.Model(p.Base == -1 || p.Base > 0, $"Exp: base {p.Base} must be positive (or -1 for e)");
        float logBase = p.Base == -1 ? 1 : MathF.Log(p.Base);
        float inner = logBase * p.Scale;
        float outer = p.Shift == 0 ? 1 : p.Base == -1 ? MathF.Exp(p.Shift) : MathF.Pow(p.Base, p.Shift);
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
            dst[i] = MathF.Exp(inner * src[i]) * outer;
    }
}
