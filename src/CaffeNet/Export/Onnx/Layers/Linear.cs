namespace CaffeNet.Export.Onnx.Layers;

/// <summary>scale · x + shift, the inner part of Caffe's Power and Log, leaving out a factor of 1 and a shift of 0.</summary>
internal static class Linear
{
    public static string Apply(NodeExport e, string x, float scale, float shift)
    {
        if (scale != 1)
            x = e.Step("Mul", "scaled", [x, e.Scalar("scale", scale)]);
        if (shift != 0)
            x = e.Step("Add", "shifted", [x, e.Scalar("shift", shift)]);
        return x;
    }
}
