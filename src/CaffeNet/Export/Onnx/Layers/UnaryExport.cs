namespace CaffeNet.Export.Onnx.Layers;

/// <summary>A layer that is one ONNX operator without attributes: Sigmoid, TanH, AbsVal, and Dropout (identity at test time).</summary>
internal sealed class UnaryExport(string op) : ILayerExport
{
    public void Export(NodeExport e) => e.Op(op, [e.Input], e.Output);
}
