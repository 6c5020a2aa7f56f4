using CaffeNet.Graph;
using CaffeNet.Proto;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Interp (PSPNet's and DeepLab v2's fork): bilinear resize with aligned corners, after cropping
/// -pad_beg and -pad_end pixels off each side (the pads must be &lt;= 0). The size is, on the
/// cropped input of size s: (s - 1) / shrink_factor + 1 given shrink_factor alone; s + (s - 1) *
/// (zoom_factor - 1) given zoom_factor alone; height x width given both of those; shrink then
/// zoom given both factors.
/// </summary>
sealed class InterpDefinition : LayerDefinition
{
    public override string Type => "Interp";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) =>
        new InterpLayer(LayerFactory.Attributes<InterpAttributes>(node));

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        c.NotInPlace();
        var p = c.Layer.InterpParam ?? new InterpParameter();
        var input = c.Input;
        c.Rank(input, 4, "(N, C, H, W) input");
        if (p.PadBeg > 0 || p.PadEnd > 0)
            throw c.Error($"pad_beg and pad_end must be <= 0 (they crop), got {p.PadBeg} and {p.PadEnd}");
        long? inH = input.Dim(2) + (long)p.PadBeg + p.PadEnd, inW = input.Dim(3) + (long)p.PadBeg + p.PadEnd;
        if (inH <= 0 || inW <= 0)
            throw c.Error($"cropping {-p.PadBeg} and {-p.PadEnd} leaves nothing of {input}");
        if (p.HasShrinkFactor && p.ShrinkFactor < 1) throw c.Error($"shrink_factor must be at least 1, got {p.ShrinkFactor}");
        if (p.HasZoomFactor && p.ZoomFactor < 1) throw c.Error($"zoom_factor must be at least 1, got {p.ZoomFactor}");
        long? outH, outW;
        if (p.HasShrinkFactor || p.HasZoomFactor)
        {
            (outH, outW) = (inH, inW);
            if (p.HasShrinkFactor)
                (outH, outW) = ((outH - 1) / p.ShrinkFactor + 1, (outW - 1) / p.ShrinkFactor + 1);
            if (p.HasZoomFactor)
                (outH, outW) = (outH + (outH - 1) * (p.ZoomFactor - 1), outW + (outW - 1) * (p.ZoomFactor - 1));
        }
        else if (p.HasHeight && p.HasWidth)
        {
            (outH, outW) = (p.Height, p.Width);
        }
        else
        {
            throw c.Error("give zoom_factor, shrink_factor (or both), or height and width");
        }
        var output = c.Output(input.Dim(0), input.Dim(1), outH, outW);
        return new LayerShapes([output])
        {
            Attributes = new InterpAttributes(-p.PadBeg, -p.PadEnd),
            ElementwiseOps = output.CountIfKnown * 4,
        };
    }
}

/// <summary>The pixels cropped off the start and the end of each spatial axis before resizing.</summary>
sealed record InterpAttributes(int CropBegin, int CropEnd) : LayerAttributes;

sealed class InterpLayer(InterpAttributes a) : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Interp.Forward(inputs[0], a.CropBegin, a.CropEnd, outputs[0]);
}
