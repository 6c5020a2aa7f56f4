using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Permute as Transpose: output axis i is input axis order[i] in both.</summary>
internal sealed class PermuteExport : ILayerExport
{
    public void Export(NodeExport e) =>
        e.Op("Transpose", [e.Input], e.Output, OnnxAttribute.Ints("perm", e.Attributes<PermuteAttributes>().Order.Select(o => (long)o)));
}
