using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Eltwise: PROD, SUM (with optional per-input coefficients) or MAX of equally shaped inputs; an
/// axis unknown in one input takes its size from another.
/// </summary>
sealed class EltwiseDefinition : LayerDefinition
{
    public override string Type => "Eltwise";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new EltwiseLayer(node);

    // Element by element over equal layouts; SUM, PROD and MAX of zero padding lanes are zero.
    public override BlockedRole Blocked(Node node, int block) => BlockedRole.Through;

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(2, int.MaxValue);
        c.Tops(1);
        var p = c.Layer.EltwiseParam ?? new EltwiseParameter();
        if (p.Coeff.Count != 0 && p.Coeff.Count != c.Inputs.Count)
            throw c.Error($"takes one coefficient per bottom ({c.Inputs.Count}), got {p.Coeff.Count}");
        if (p.Coeff.Count != 0 && p.Operation != EltwiseParameter.Types.EltwiseOp.Sum)
            throw c.Error("coefficients are allowed only for SUM");
        var output = c.Input;
        for (int i = 1; i < c.Inputs.Count; i++)
        {
            if (!c.Inputs[i].Matches(output))
                throw c.Error($"bottoms must have equal shapes: {Excerpt.Name(c.Layer.Bottom[0])} is {c.Input}, {Excerpt.Name(c.Layer.Bottom[i])} is {c.Inputs[i]}");
            output = output.Merge(c.Inputs[i]);
        }
        var coefficients = p.Coeff.Count > 0 ? p.Coeff.ToList() : Enumerable.Repeat(1f, c.Inputs.Count).ToList();
        return new LayerShapes([output])
        {
            Attributes = new EltwiseAttributes(p.Operation, coefficients),
            ElementwiseOps = output.CountIfKnown * (c.Inputs.Count - 1),
        };
    }
}

sealed class EltwiseLayer(Node node) : ILayer
{
    readonly EltwiseParams _p = Params(LayerFactory.Attributes<EltwiseAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Eltwise.Forward(inputs, _p, outputs[0]);

    static EltwiseParams Params(EltwiseAttributes a) => new(
        a.Operation switch
        {
            EltwiseParameter.Types.EltwiseOp.Prod => EltwiseOperation.Prod,
            EltwiseParameter.Types.EltwiseOp.Max => EltwiseOperation.Max,
            _ => EltwiseOperation.Sum,
        },
        [.. a.Coefficients]);
}
