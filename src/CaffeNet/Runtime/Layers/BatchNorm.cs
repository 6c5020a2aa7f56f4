using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// BatchNorm over axis 1 (the whole input for a 1-axis blob). Blobs: mean C, variance C and the
/// moving-average scale factor 1, so 2C + 1 parameters. Statistics are global at TEST unless set.
/// </summary>
sealed class BatchNormDefinition : LayerDefinition
{
    public override string Type => "BatchNorm";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new BatchNormLayer(node, blobs);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        var p = c.Layer.BatchNormParam ?? new BatchNormParameter();
        var input = c.Input;
        if (input.Rank == 0) throw c.Error("needs an input with at least one axis");
        int? channels = input.Rank == 1 ? 1 : input.Dim(1);
        bool global = p.HasUseGlobalStats ? p.UseGlobalStats : c.Phase == Phase.Test;
        return new LayerShapes([input])
        {
            Params = [Shape.Partial([channels]), Shape.Partial([channels]), new Shape(1)],
            Attributes = new BatchNormAttributes(p.Eps, global, p.MovingAverageFraction),
            ElementwiseOps = input.CountIfKnown,
        };
    }
}

/// <summary>BatchNorm with its three statistics blobs (mean sum, variance sum, scale factor).</summary>
sealed class BatchNormLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly BatchNormParams _p = Params(LayerFactory.Attributes<BatchNormAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.BatchNorm.Forward(inputs[0], blobs[0].Span, blobs[1].Span, blobs[2].Span, _p, outputs[0]);

    static BatchNormParams Params(BatchNormAttributes a) => new(a.Eps, a.UseGlobalStats);
}
