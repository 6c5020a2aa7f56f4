using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Axpy (SENet's fork): bottoms a (N x C, or N x C x 1 x 1), x and y; top = a * x + y, a scaling
/// each channel of x. It fuses SE's channel Scale with the residual sum.
/// </summary>
sealed class AxpyDefinition : LayerDefinition
{
    public override string Type => "Axpy";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new AxpyLayer();

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(3);
        c.Tops(1);
        var (a, x, y) = (c.Inputs[0], c.Inputs[1], c.Inputs[2]);
        if (a.Rank < 2 || x.Rank < 2 || Differ(a.Dim(0), x.Dim(0)) || Differ(a.Dim(1), x.Dim(1)))
            throw c.Error($"the scale's first two dimensions must be x's, got {a} and {x}");
        if (a.Rank == 4 && (Differ(a.Dim(2), 1) || Differ(a.Dim(3), 1)))
            throw c.Error($"the scale must be N x C x 1 x 1, got {a}");
        if (a.CountFromIfKnown(2) is not (1 or null))
            throw c.Error($"the scale must hold one value per channel, got {a}");
        if (!x.Matches(y) || x.Rank != y.Rank)
            throw c.Error($"x and y must have the same shape, got {x} and {y}");
        return new LayerShapes([x.Merge(y)]) { ElementwiseOps = x.CountIfKnown * 2 };
    }

    static bool Differ(int? a, int? b) => a is { } p && b is { } q && p != q;
}

sealed class AxpyLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Axpy.Forward(inputs[0], inputs[1], inputs[2], outputs[0]);
}
