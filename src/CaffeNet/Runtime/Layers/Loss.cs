using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>What every Caffe loss layer checks (LossLayer::Reshape).</summary>
static class Loss
{
    public static void CheckBatch(LayerContext c)
    {
        var (a, b) = (c.Inputs[0], c.Inputs[1]);
        if (a.Rank == 0 || b.Rank == 0 || a.Dim(0) is { } n && b.Dim(0) is { } m && n != m)
            throw c.Error($"bottoms must have the same first dimension, got {a} and {b}");
    }
}
