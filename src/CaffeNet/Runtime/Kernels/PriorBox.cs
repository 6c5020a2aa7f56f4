using CaffeNet.Graph;

namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// SSD's default boxes: for each cell of a layerH x layerW map, centred at (cell + offset) x step,
/// per min size a square box of that side, a square of side sqrt(min x max) when max sizes are
/// given, and a min-size box per further aspect ratio (width min x sqrt(r), height min / sqrt(r)).
/// Channel 0 holds the corners divided by the image size, channel 1 each box's four variances.
/// </summary>
internal static class PriorBox
{
    public static void Forward(PriorBoxAttributes a, int layerH, int layerW, int imageH, int imageW, Tensor output)
    {
        int count = layerH * layerW * a.PriorsPerCell * 4;
        Require.Shape(output, new TensorShape([1, 2, count]), "PriorBox output");
        float imgH = a.ImageHeight > 0 ? a.ImageHeight : imageH;
        float imgW = a.ImageWidth > 0 ? a.ImageWidth : imageW;
        float stepH = a.StepHeight > 0 ? a.StepHeight : imgH / layerH;
        float stepW = a.StepWidth > 0 ? a.StepWidth : imgW / layerW;
        var boxes = output.Span[..count];
        int at = 0;
        for (int h = 0; h < layerH; h++)
        {
            for (int w = 0; w < layerW; w++)
            {
                float cx = (w + a.Offset) * stepW;
                float cy = (h + a.Offset) * stepH;
                for (int s = 0; s < a.MinSizes.Count; s++)
                {
                    float min = a.MinSizes[s];
                    Box(boxes, ref at, cx, cy, min, min, imgW, imgH);
                    if (a.MaxSizes.Count > 0)
                    {
                        float side = MathF.Sqrt(min * a.MaxSizes[s]);
                        Box(boxes, ref at, cx, cy, side, side, imgW, imgH);
                    }
                    foreach (float ratio in a.AspectRatios)
                    {
                        if (MathF.Abs(ratio - 1) < 1e-6f) continue;
                        float root = MathF.Sqrt(ratio);
                        Box(boxes, ref at, cx, cy, min * root, min / root, imgW, imgH);
                    }
                }
            }
        }
        if (a.Clip)
        {
            foreach (ref float v in boxes)
                v = Math.Clamp(v, 0f, 1f);
        }
        var variances = output.Span[count..];
        if (a.Variances.Count == 1)
        {
            variances.Fill(a.Variances[0]);
            return;
        }
        for (int i = 0; i < count; i++)
            variances[i] = a.Variances[i % 4];
    }

    /// <summary>Caffe halves the box in double, then stores float.</summary>
    static void Box(Span<float> boxes, ref int at, float cx, float cy, float width, float height, float imgW, float imgH)
    {
        boxes[at++] = (float)((cx - width / 2.0) / imgW);
        boxes[at++] = (float)((cy - height / 2.0) / imgH);
        boxes[at++] = (float)((cx + width / 2.0) / imgW);
        boxes[at++] = (float)((cy + height / 2.0) / imgH);
    }
}
