using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>ELU as Elu: x for x > 0, alpha · (e^x - 1) otherwise, in both.</summary>
internal sealed class ELUExport : ILayerExport
{
    public void Export(NodeExport e) =>
        e.Op("Elu", [e.Input], e.Output, OnnxAttribute.Float("alpha", e.Attributes<ELUAttributes>().Alpha));
}
