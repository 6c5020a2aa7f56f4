using CaffeNet.Graph;
using CaffeNet.Onnx.Proto;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// Convolution (and the forks' depthwise types, whose group the graph set to the channel count) as
/// Conv; Deconvolution as ConvTranspose. Caffe's blobs already have ONNX's layouts (out x in/group
/// x kh x kw, and in x out/group x kh x kw transposed), and its output sizes are ONNX's with
/// symmetric pads. Several bottoms share the weights, one Conv each, as in Caffe.
/// </summary>
internal sealed class ConvolutionExport(string op) : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<ConvolutionAttributes>();
        if (a.Axis != 1)
            throw e.Error($"the channel axis is {a.Axis}; ONNX convolutions take channels on axis 1");
        var inputs = new List<string> { e.Blob(0, "W") };
        if (a.BiasTerm)
            inputs.Add(e.Blob(1, "B"));
        AttributeProto[] attributes =
        [
            OnnxAttribute.Ints("kernel_shape", a.KernelH, a.KernelW),
            OnnxAttribute.Ints("strides", a.StrideH, a.StrideW),
            OnnxAttribute.Ints("pads", a.PadH, a.PadW, a.PadH, a.PadW),
            OnnxAttribute.Ints("dilations", a.DilationH, a.DilationW),
            OnnxAttribute.Int("group", a.Group),
        ];
        for (int i = 0; i < e.Inputs.Count; i++)
            e.Op(op, [e.Inputs[i], .. inputs], e.Outputs[i], attributes);
    }
}
