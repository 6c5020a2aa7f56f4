using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>LRN: normalises each value by its neighbours across channels or within a channel; shape unchanged.</summary>
sealed class LRNDefinition : LayerDefinition
{
    public override string Type => "LRN";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new LRNLayer(node);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        c.Rank(c.Input, 4, "(N, C, H, W) input");
        var p = c.Layer.LrnParam ?? new LRNParameter();
        if (p.LocalSize % 2 != 1) throw c.Error($"local_size must be odd, got {p.LocalSize}");
        int size = checked((int)p.LocalSize);
        return new LayerShapes([c.Input])
        {
            Attributes = new LRNAttributes(size, p.Alpha, p.Beta, p.K, p.NormRegion),
            ElementwiseOps = checked(c.Input.CountIfKnown * size),
        };
    }
}

sealed class LRNLayer(Node node) : ILayer
{
    readonly LRNParams _p = Params(LayerFactory.Attributes<LRNAttributes>(node));

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.LRN.Forward(inputs[0], _p, outputs[0]);

    static LRNParams Params(LRNAttributes a) => new(a.LocalSize, a.Alpha, a.Beta, a.K,
        a.Region == LRNParameter.Types.NormRegion.WithinChannel ? LRNRegion.WithinChannel : LRNRegion.AcrossChannels);
}
