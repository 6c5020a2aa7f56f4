using CaffeNet.Export.Onnx;
using static CaffeNet.Tests.Export.SmallNet;

namespace CaffeNet.Tests.Export;

/// <summary>What ONNX cannot express is an error naming the layer, its type and the reason.</summary>
public class OnnxExportErrorTests
{
    static string ExportError(string prototxt, int opset = OnnxExportOptions.DefaultOpset) =>
        Assert.Throws<CaffeNetException>(() => new SmallNet(prototxt).Onnx(opset)).Message;

    [Fact]
    public void ALossLayerNamesItselfAndTheTypesThatExport()
    {
        var message = ExportError(Input(2, 3) +
            "layer { name: 'label' type: 'Input' top: 'label' input_param { shape { dim: 2 } } }\n" +
            "layer { name: 'loss' type: 'SoftmaxWithLoss' bottom: 'data' bottom: 'label' top: 'loss' }");
        Assert.StartsWith("layer 'loss' (type SoftmaxWithLoss): cannot be exported to ONNX: the type has no ONNX mapping (types that export: AbsVal, ArgMax, ", message);
    }

    [Fact]
    public void ALayerTypeCaffeNetDoesNotKnowIsNamed()
    {
        var message = ExportError(Input(1, 2, 4, 4) + "layer { name: 'up' type: 'Upsample' bottom: 'data' top: 'up' }");
        Assert.StartsWith("layer 'up' (type Upsample): cannot be exported to ONNX: the type has no ONNX mapping", message);
    }

    [Fact]
    public void StochasticPoolingAndTheMaxMaskHaveNoOnnxForm()
    {
        Assert.Equal("layer 'pool' (type Pooling): cannot be exported to ONNX: pooling method Stochastic has no ONNX form (MAX and AVE do)",
            ExportError(Input(1, 1, 4, 4) + "layer { name: 'pool' type: 'Pooling' bottom: 'data' top: 'pool' pooling_param { pool: STOCHASTIC kernel_size: 2 stride: 2 } }"));
        Assert.Equal("layer 'pool' (type Pooling): cannot be exported to ONNX: the second top (MAX pooling's argmax mask) has no ONNX form",
            ExportError(Input(1, 1, 4, 4) + "layer { name: 'pool' type: 'Pooling' bottom: 'data' top: 'pool' top: 'mask' pooling_param { pool: MAX kernel_size: 2 stride: 2 } }"));
    }

    [Theory]
    [InlineData(OnnxExportOptions.MinOpset - 1)]
    [InlineData(OnnxExportOptions.MaxOpset + 1)]
    public void AnOpsetOutsideTheSupportedRangeIsRefused(int opset) =>
        Assert.Equal($"opset {opset} is not supported (from 13 to 23)",
            ExportError(Input(1, 2) + "layer { name: 'relu' type: 'ReLU' bottom: 'data' top: 'relu' }", opset));
}
