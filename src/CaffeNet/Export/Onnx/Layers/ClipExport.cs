using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Clip, and ReLU6 as Clip(0, 6), with the bounds as inputs (ONNX's form since opset 11).</summary>
internal sealed class ClipExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var (min, max) = e.Node.Attributes is ClipAttributes a ? (a.Min, a.Max) : (0f, 6f);
        e.Op("Clip", [e.Input, e.Scalar("min", min), e.Scalar("max", max)], e.Output);
    }
}
