namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Split: each top is the bottom under another name (an Identity each; runtimes drop them).</summary>
internal sealed class SplitExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        foreach (var output in e.Outputs)
            e.Op("Identity", [e.Input], output);
    }
}
