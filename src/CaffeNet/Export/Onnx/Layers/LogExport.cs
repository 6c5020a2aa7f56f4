using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Log: log_base(shift + scale · x), as ln(scale · x + shift) · (1 / ln(base)); factors of 1 and shifts of 0 are left out.</summary>
internal sealed class LogExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<ExpLogAttributes>();
        if (a.Base != -1 && (a.Base <= 0 || a.Base == 1))
            throw e.Error($"base {a.Base} must be positive and not 1 (or -1 for e)");
        var x = Linear.Apply(e, e.Input, a.Scale, a.Shift);
        if (a.Base == -1)
        {
            e.Op("Log", [x], e.Output);
            return;
        }
        var log = e.Step("Log", "ln", [x]);
        e.Op("Mul", [log, e.Scalar("base_scale", 1 / MathF.Log(a.Base))], e.Output);
    }
}
