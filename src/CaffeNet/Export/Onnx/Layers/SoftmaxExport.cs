using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Softmax along one axis, which is what ONNX's Softmax computes from opset 13 on.</summary>
internal sealed class SoftmaxExport : ILayerExport
{
    public void Export(NodeExport e) =>
        e.Op("Softmax", [e.Input], e.Output, OnnxAttribute.Int("axis", e.Attributes<AxisAttributes>().Axis));
}
