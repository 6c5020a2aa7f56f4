using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Slice as Split along the axis, the part sizes taken from the slice points (or the equal parts the graph worked out).</summary>
internal sealed class SliceExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        int axis = e.Attributes<SliceAttributes>().Axis;
        var sizes = e.Node.Outputs.Select(o => (long)o.Shape[axis]).ToArray();
        e.Op("Split", [e.Input, e.Int64s("split", sizes)], e.Outputs, OnnxAttribute.Int("axis", axis));
    }
}
