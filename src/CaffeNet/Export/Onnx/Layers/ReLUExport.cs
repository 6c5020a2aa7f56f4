using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>ReLU as Relu, or LeakyRelu when it has a negative slope (x for x > 0, slope · x otherwise in both).</summary>
internal sealed class ReLUExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        float slope = e.Attributes<ReLUAttributes>().NegativeSlope;
        if (slope == 0)
            e.Op("Relu", [e.Input], e.Output);
        else
            e.Op("LeakyRelu", [e.Input], e.Output, OnnxAttribute.Float("alpha", slope));
    }
}
