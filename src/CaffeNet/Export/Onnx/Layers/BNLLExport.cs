namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// BNLL, log(1 + e^x), written as Caffe computes it so that large inputs do not overflow:
/// max(x, 0) + log(1 + e^-|x|), which is x + log(1 + e^-x) for x > 0 and log(1 + e^x) otherwise.
/// </summary>
internal sealed class BNLLExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var magnitude = e.Step("Abs", "abs", [e.Input]);
        var negated = e.Step("Neg", "neg_abs", [magnitude]);
        var power = e.Step("Exp", "exp", [negated]);
        var sum = e.Step("Add", "one_plus", [power, e.Scalar("one", 1)]);
        var log = e.Step("Log", "log", [sum]);
        var positive = e.Step("Relu", "relu", [e.Input]);
        e.Op("Add", [positive, log], e.Output);
    }
}
