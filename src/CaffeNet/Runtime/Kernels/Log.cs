namespace CaffeNet.Runtime.Kernels;

/// <summary><paramref name="Base"/> −1 means e.</summary>
internal readonly record struct LogParams(float Base = -1, float Scale = 1, float Shift = 0)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public LogParams() : this(Base: -1) { }
}

/// <summary>Caffe's Log: out = log_base(shift + scale·x), as ln(shift + scale·x) / ln(base). In place is allowed.</summary>
internal static class Log
{
    public static void Forward(in Tensor input, in LogParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "Log output");
        Require.Model(p.Base == -1 || (p.Base > 0 && p.Base != 1), $"Log: base {p.Base} must be positive and not 1 (or -1 for e)");
        float baseScale = p.Base == -1 ? 1 : 1 / MathF.Log(p.Base);
        var src = input.Span;
        var dst = output.Span;
        for (int i = 0; i < src.Length; i++)
            dst[i] = MathF.Log(src[i] * p.Scale + p.Shift) * baseScale;
    }
}
