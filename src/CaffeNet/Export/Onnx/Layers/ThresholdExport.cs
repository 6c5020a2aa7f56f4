using CaffeNet.Graph;
using CaffeNet.Onnx.Proto;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Threshold: 1 where x > threshold, else 0, as Greater then a Cast to float.</summary>
internal sealed class ThresholdExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        float threshold = e.Attributes<ThresholdAttributes>().Threshold;
        var above = e.Step("Greater", "above", [e.Input, e.Scalar("threshold", threshold)]);
        e.Op("Cast", [above], e.Output, OnnxAttribute.Int("to", (int)TensorProto.Types.DataType.Float));
    }
}
