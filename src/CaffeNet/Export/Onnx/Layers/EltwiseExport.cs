using CaffeNet.Graph;
using static CaffeNet.Proto.EltwiseParameter.Types;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// Eltwise: SUM as Sum (Add for two) of the inputs, each multiplied by its coefficient unless that
/// is 1; PROD as a chain of Mul (ONNX's Mul takes two inputs); MAX as Max.
/// </summary>
internal sealed class EltwiseExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<EltwiseAttributes>();
        switch (a.Operation)
        {
            case EltwiseOp.Sum:
                var terms = e.Inputs.Select((x, i) => a.Coefficients[i] == 1
                    ? x
                    : e.Step("Mul", $"term{i}", [x, e.Scalar($"coeff{i}", a.Coefficients[i])])).ToList();
                e.Op(terms.Count == 2 ? "Add" : "Sum", terms, e.Output);
                break;
            case EltwiseOp.Prod:
                var product = e.Inputs[0];
                for (int i = 1; i < e.Inputs.Count - 1; i++)
                    product = e.Step("Mul", $"product{i}", [product, e.Inputs[i]]);
                e.Op("Mul", [product, e.Inputs[^1]], e.Output);
                break;
            case EltwiseOp.Max:
                e.Op("Max", e.Inputs, e.Output);
                break;
            default:
                throw e.Error($"operation {a.Operation} is unknown");
        }
    }
}
