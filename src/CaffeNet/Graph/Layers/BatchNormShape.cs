using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>
/// BatchNorm over axis 1 (the whole input for a 1-axis blob). Blobs: mean C, variance C and the
/// moving-average scale factor 1, so 2C + 1 parameters. Statistics are global at TEST unless set.
/// </summary>
internal sealed class BatchNormShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
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
