using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// Power: (shift + scale · x)^power as Mul, Add, Pow (each left out when it does nothing). As in
/// Caffe, a scale or power of 0 ignores the input: the output is then the constant 1 (power 0)
/// or shift^power, spread to the input's shape.
/// </summary>
internal sealed class PowerExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<PowerAttributes>();
        if (a.Scale == 0 || a.Power == 0)
        {
            float constant = a.Power == 0 ? 1 : MathF.Pow(a.Shift, a.Power);
            var shape = e.Int64s("shape", [.. e.OutputDims.Select(d => (long)d)]);
            e.Op("Expand", [e.Scalar("constant", constant), shape], e.Output);
            return;
        }
        var y = Linear.Apply(e, e.Input, a.Scale, a.Shift);
        if (a.Power == 1)
            e.Op("Identity", [y], e.Output);
        else
            e.Op("Pow", [y, e.Scalar("power", a.Power)], e.Output);
    }
}
