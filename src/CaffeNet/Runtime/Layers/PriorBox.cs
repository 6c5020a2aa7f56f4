using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// PriorBox (SSD's fork): the default boxes of the feature map in bottom 0 for the image in
/// bottom 1, as 1 x 2 x (H x W x priors x 4): corners in [0, 1] of the image, then their variances.
/// </summary>
sealed class PriorBoxDefinition : LayerDefinition
{
    public override string Type => "PriorBox";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new PriorBoxLayer(node);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(2);
        c.Tops(1);
        var p = c.Layer.PriorBoxParam ?? throw c.Error("needs prior_box_param with at least one min_size");
        var a = Resolve(c, p);
        var map = c.Inputs[0];
        if (map.IsKnown && map.Rank != 4) throw c.Error($"needs a 4-axis feature map, got {map}");
        var image = c.Inputs[1];
        if (image.IsKnown && image.Rank != 4) throw c.Error($"needs a 4-axis image, got {image}");
        long? cells = map.IsKnown ? map.Dim(2) * (long?)map.Dim(3) : null;
        var output = c.Output(1, 2, cells * a.PriorsPerCell * 4);
        return new LayerShapes([output]) { Attributes = a, ElementwiseOps = output.CountIfKnown };
    }

    /// <summary>The checks and defaults of the fork's LayerSetUp.</summary>
    static PriorBoxAttributes Resolve(LayerContext c, PriorBoxParameter p)
    {
        if (p.MinSize.Count == 0) throw c.Error("needs at least one min_size");
        foreach (var size in p.MinSize)
            if (!(size > 0)) throw c.Error($"min_size {size} must be positive");
        var ratios = new List<float> { 1 };
        foreach (var ratio in p.AspectRatio)
        {
            if (ratios.Any(r => MathF.Abs(ratio - r) < 1e-6f)) continue;
            ratios.Add(ratio);
            if (p.Flip) ratios.Add(1 / ratio);
        }
        if (p.MaxSize.Count > 0)
        {
            if (p.MaxSize.Count != p.MinSize.Count)
                throw c.Error($"gives {p.MaxSize.Count} max_size for {p.MinSize.Count} min_size; give one per min_size or none");
            for (int i = 0; i < p.MaxSize.Count; i++)
                if (!(p.MaxSize[i] > p.MinSize[i])) throw c.Error($"max_size {p.MaxSize[i]} must be greater than min_size {p.MinSize[i]}");
        }
        List<float> variances = p.Variance.Count switch
        {
            0 => [0.1f],
            1 or 4 => [.. p.Variance],
            var n => throw c.Error($"gives {n} variance values; give 1 or 4"),
        };
        foreach (var v in variances)
            if (!(v > 0)) throw c.Error($"variance {v} must be positive");
        var (imageH, imageW) = Pair(c, p.HasImgH || p.HasImgW, p.HasImgSize, p.ImgH, p.ImgW, p.ImgSize, "img_size", "img_h", "img_w");
        var (stepH, stepW) = Pair(c, p.HasStepH || p.HasStepW, p.HasStep, p.StepH, p.StepW, p.Step, "step", "step_h", "step_w");
        return new PriorBoxAttributes([.. p.MinSize], [.. p.MaxSize], ratios, p.Clip, variances,
            (int)imageH, (int)imageW, stepH, stepW, p.Offset);
    }

    /// <summary>The _h/_w pair, or the one value for both, or (0, 0) when neither is given.</summary>
    static (float H, float W) Pair(LayerContext c, bool hasPair, bool hasOne, float h, float w, float one, string field, string fieldH, string fieldW)
    {
        if (hasPair)
        {
            if (hasOne) throw c.Error($"give {field} or {fieldH} and {fieldW}, not both");
            if (!(h > 0) || !(w > 0)) throw c.Error($"{fieldH} {h} and {fieldW} {w} must both be positive");
            return (h, w);
        }
        if (!hasOne) return (0, 0);
        if (!(one > 0)) throw c.Error($"{field} {one} must be positive");
        return (one, one);
    }
}

sealed class PriorBoxLayer(Node node) : ILayer
{
    readonly PriorBoxAttributes _a = LayerFactory.Attributes<PriorBoxAttributes>(node);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.PriorBox.Forward(_a, inputs[0].Shape[2], inputs[0].Shape[3], inputs[1].Shape[2], inputs[1].Shape[3], outputs[0]);
}
