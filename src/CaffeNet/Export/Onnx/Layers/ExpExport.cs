using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// Exp: base^(shift + scale · x), computed as Caffe does, e^(ln(base) · scale · x) · base^shift,
/// with the two constants worked out here; a factor of 1 is left out.
/// </summary>
internal sealed class ExpExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<ExpLogAttributes>();
        if (a.Base != -1 && a.Base <= 0)
            throw e.Error($"base {a.Base} must be positive (or -1 for e)");
        float inner = (a.Base == -1 ? 1 : MathF.Log(a.Base)) * a.Scale;
        float outer = a.Shift == 0 ? 1 : a.Base == -1 ? MathF.Exp(a.Shift) : MathF.Pow(a.Base, a.Shift);
        var x = inner == 1 ? e.Input : e.Step("Mul", "inner", [e.Input, e.Scalar("inner_scale", inner)]);
        if (outer == 1)
        {
            e.Op("Exp", [x], e.Output);
            return;
        }
        var exp = e.Step("Exp", "exp", [x]);
        e.Op("Mul", [exp, e.Scalar("outer_scale", outer)], e.Output);
    }
}
