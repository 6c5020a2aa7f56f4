using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Crop as Slice of the first input on the axes from the layer's axis on: from each offset, the second input's size long.</summary>
internal sealed class CropExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<CropAttributes>();
        var axes = Enumerable.Range(a.Axis, a.Offsets.Count).ToArray();
        var starts = a.Offsets.Select(o => (long)o).ToArray();
        var ends = axes.Select((axis, i) => starts[i] + e.OutputDims[axis]).ToArray();
        e.Op("Slice", [e.Input, e.Int64s("starts", starts), e.Int64s("ends", ends), e.Int64s("axes", [.. axes.Select(x => (long)x)])], e.Output);
    }
}
