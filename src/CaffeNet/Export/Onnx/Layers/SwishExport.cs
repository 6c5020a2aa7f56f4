using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>Swish: x · sigmoid(beta · x), as Mul, Sigmoid, Mul (the first Mul left out for beta 1).</summary>
internal sealed class SwishExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        float beta = e.Attributes<SwishAttributes>().Beta;
        var scaled = beta == 1 ? e.Input : e.Step("Mul", "beta_x", [e.Input, e.Scalar("beta", beta)]);
        var gate = e.Step("Sigmoid", "sigmoid", [scaled]);
        e.Op("Mul", [e.Input, gate], e.Output);
    }
}
