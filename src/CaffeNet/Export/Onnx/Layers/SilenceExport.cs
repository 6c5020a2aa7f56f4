namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Silence only keeps its bottoms from being net outputs; it computes nothing, so it writes no node.</summary>
internal sealed class SilenceExport : ILayerExport
{
    public void Export(NodeExport e) { }
}
