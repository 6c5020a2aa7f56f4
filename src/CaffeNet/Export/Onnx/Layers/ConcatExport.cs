using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Concat along the layer's (canonical) axis.</summary>
internal sealed class ConcatExport : ILayerExport
{
    public void Export(NodeExport e) =>
        e.Op("Concat", e.Inputs, e.Output, OnnxAttribute.Int("axis", e.Attributes<AxisAttributes>().Axis));
}
