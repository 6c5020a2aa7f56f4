using CaffeNet.Graph;
using static CaffeNet.Proto.LRNParameter.Types;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// LRN. ACROSS_CHANNELS is ONNX's LRN (same window of local_size channels centred on each, which
/// local_size being odd makes exact; bias is Caffe's k). WITHIN_CHANNEL is built as Caffe builds
/// it: x² averaged over the local_size² square around each pixel, zero-padded and always divided
/// by the full area, then x · (1 + alpha · mean)^-beta.
/// </summary>
internal sealed class LRNExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<LRNAttributes>();
        if (a.LocalSize <= 0 || a.LocalSize % 2 == 0)
            throw e.Error($"local_size {a.LocalSize} must be odd and positive");
        if (a.Region == NormRegion.AcrossChannels)
        {
            e.Op("LRN", [e.Input], e.Output, OnnxAttribute.Int("size", a.LocalSize), OnnxAttribute.Float("alpha", a.Alpha),
                OnnxAttribute.Float("beta", a.Beta), OnnxAttribute.Float("bias", a.K));
            return;
        }
        int half = (a.LocalSize - 1) / 2;
        var squared = e.Step("Mul", "squared", [e.Input, e.Input]);
        var mean = e.Step("AveragePool", "mean", [squared], OnnxAttribute.Ints("kernel_shape", a.LocalSize, a.LocalSize),
            OnnxAttribute.Ints("pads", half, half, half, half), OnnxAttribute.Int("count_include_pad", 1));
        var scaled = e.Step("Mul", "scaled", [mean, e.Scalar("alpha", a.Alpha)]);
        var denominator = e.Step("Add", "plus_one", [scaled, e.Scalar("one", 1)]);
        var factor = e.Step("Pow", "factor", [denominator, e.Scalar("minus_beta", -a.Beta)]);
        e.Op("Mul", [e.Input, factor], e.Output);
    }
}
