namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// Reshape and Flatten as Reshape to the output shape the graph worked out, which already applies
/// Caffe's rules (0 copies an input dimension, -1 is inferred, axis and num_axes pick the span
/// replaced; Flatten's axis..end_axis). The model has fixed shapes, so a fixed target is exact.
/// </summary>
internal sealed class ReshapeExport : ILayerExport
{
    public void Export(NodeExport e) => e.Reshape(e.Input, e.OutputDims, e.Output);
}
