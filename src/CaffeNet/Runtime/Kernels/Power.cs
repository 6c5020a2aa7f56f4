namespace CaffeNet.Runtime.Kernels;

internal readonly record struct PowerParams(float Power = 1, float Scale = 1, float Shift = 0)
{
    /// <summary>Caffe's defaults (a bare <c>new()</c> of a struct would otherwise zero them).</summary>
    public PowerParams() : this(Power: 1) { }
}

/// <summary>
/// Caffe's Power: out = (shift + scale · x)^power. As in Caffe, when scale or power is 0 the
/// input is ignored and every output is 1 (power 0) or shift^power. In place is allowed.
/// </summary>
internal static class Power
{
    public static void Forward(in Tensor input, in PowerParams p, Tensor output)
    {
        Require.Shape(output, input.Shape, "Power output");
        var src = input.Span;
        var dst = output.Span;
        if (p.Scale == 0 || p.Power == 0)
        {
            dst.Fill(p.Power == 0 ? 1 : MathF.Pow(p.Shift, p.Power));
            return;
        }
        for (int i = 0; i < src.Length; i++)
        {
            float y = p.Scale * src[i] + p.Shift;
            dst[i] = p.Power == 1 ? y : MathF.Pow(y, p.Power);
        }
    }
}
