using CaffeNet.Graph;
using CaffeNet.Proto;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Upsample, as two forks define it under one name. With one bottom (MobileNet-YOLO) it repeats
/// each pixel scale x scale times (nearest neighbour; scale defaults to 1). With two (SegNet) it
/// unpools: each input value goes to the position the second bottom, a MAX pooling's mask, holds
/// for it, and the rest is 0; the size is upsample_h x upsample_w, else H * scale_h - pad_out_h
/// by W * scale_w - pad_out_w (scale defaults to 2 there).
/// </summary>
sealed class UpsampleDefinition : LayerDefinition
{
    public override string Type => "Upsample";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) =>
        new UpsampleLayer(LayerFactory.Attributes<UpsampleAttributes>(node));

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1, 2);
        c.Tops(1);
        var p = c.Layer.UpsampleParam ?? new UpsampleParameter();
        var input = c.Input;
        c.Rank(input, 4, "(N, C, H, W) input");
        if (c.Inputs.Count == 1)
        {
            int scale = p.HasScale ? p.Scale : 1;
            if (scale < 1) throw c.Error($"scale must be at least 1, got {scale}");
            if (p.HasScaleH || p.HasScaleW || p.HasUpsampleH || p.HasUpsampleW || p.HasPadOutH || p.HasPadOutW)
                throw c.Error("with one bottom (MobileNet-YOLO's nearest upsampling) only scale is read; scale_h, scale_w, upsample_h, upsample_w and pad_out_* need the pooling mask as a second bottom (SegNet's)");
            var output = c.Output(input.Dim(0), input.Dim(1), input.Dim(2) * (long)scale, input.Dim(3) * (long)scale);
            return new LayerShapes([output]) { Attributes = new UpsampleAttributes(scale, Unpool: false), ElementwiseOps = output.CountIfKnown };
        }
        var mask = c.Inputs[1];
        if (mask.Rank != 4 || !mask.Matches(input))
            throw c.Error($"the mask must have the data's shape, got {input} and {mask}");
        long? height, width;
        if (p.HasUpsampleH && p.HasUpsampleW)
        {
            if (p.UpsampleH <= 1 || p.UpsampleW <= 1) throw c.Error($"upsample_h and upsample_w must be greater than 1, got {p.UpsampleH} and {p.UpsampleW}");
            (height, width) = (p.UpsampleH, p.UpsampleW);
        }
        else
        {
            if (!(!p.HasScale && p.HasScaleH && p.HasScaleW || !p.HasScaleH && !p.HasScaleW))
                throw c.Error("give upsample_h and upsample_w, else scale, else scale_h and scale_w");
            long sh = p.HasScaleH ? p.ScaleH : p.HasScale ? p.Scale : 2;
            long sw = p.HasScaleW ? p.ScaleW : p.HasScale ? p.Scale : 2;
            if (sh <= 1 || sw <= 1) throw c.Error($"the scale must be greater than 1, got {sh}x{sw}");
            if (p.PadOutH && sh != 2 || p.PadOutW && sw != 2) throw c.Error("pad_out_h and pad_out_w need a scale of 2 on their axis");
            height = input.Dim(2) * sh - (p.PadOutH ? 1 : 0);
            width = input.Dim(3) * sw - (p.PadOutW ? 1 : 0);
        }
        var top = c.Output(input.Dim(0), input.Dim(1), height, width);
        return new LayerShapes([top]) { Attributes = new UpsampleAttributes(0, Unpool: true), ElementwiseOps = top.CountIfKnown };
    }
}

/// <summary>Nearest upsampling by Scale, or (Unpool) SegNet's unpooling through a mask.</summary>
sealed record UpsampleAttributes(int Scale, bool Unpool) : LayerAttributes;

sealed class UpsampleLayer(UpsampleAttributes a) : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        if (a.Unpool)
            Kernels.Upsample.Unpool(inputs[0], inputs[1], outputs[0]);
        else
            Kernels.Upsample.Nearest(inputs[0], a.Scale, outputs[0]);
    }
}
