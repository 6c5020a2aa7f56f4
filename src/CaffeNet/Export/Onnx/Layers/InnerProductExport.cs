using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// InnerProduct as Gemm: the input flattened to 2-D at the layer's axis (ONNX Flatten splits the
/// axes just as Caffe does), the weight used transposed unless Caffe stores it K x N, and the
/// result reshaped back when the axis leaves more than one leading axis (or none).
/// </summary>
internal sealed class InnerProductExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<InnerProductAttributes>();
        var x = e.Input;
        if (!(e.InputDims.Count == 2 && a.Axis == 1))
            x = e.Step("Flatten", "flatten", [x], OnnxAttribute.Int("axis", a.Axis));
        var inputs = new List<string> { x, e.Blob(0, "W") };
        if (a.BiasTerm)
            inputs.Add(e.Blob(1, "B"));
        var transB = OnnxAttribute.Int("transB", a.Transpose ? 0 : 1);
        if (e.OutputDims.Count == 2)
        {
            e.Op("Gemm", inputs, e.Output, transB);
            return;
        }
        var product = e.Step("Gemm", "gemm", inputs, transB);
        e.Reshape(product, e.OutputDims, e.Output);
    }
}
