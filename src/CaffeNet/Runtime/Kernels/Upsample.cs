namespace CaffeNet.Runtime.Kernels;

internal static class Upsample
{
    /// <summary>MobileNet-YOLO's Upsample: out[h, w] = in[h / scale, w / scale] on every plane.</summary>
    public static void Nearest(in Tensor input, int scale, Tensor output)
    {
        var s = input.Shape;
        Require.Shape(output, new TensorShape([s[0], s[1], s[2] * scale, s[3] * scale]), "Upsample output");
        int planes = s[0] * s[1], h = s[2], w = s[3], ow = w * scale;
        var src = input.Span;
        var dst = output.Span;
        for (int p = 0; p < planes; p++)
        {
            for (int y = 0; y < h; y++)
            {
                var row = dst.Slice((p * h + y) * scale * ow, ow);
                var from = src.Slice((p * h + y) * w, w);
                for (int x = 0; x < ow; x++)
                    row[x] = from[x / scale];
                for (int r = 1; r < scale; r++)
                    row.CopyTo(dst.Slice(((p * h + y) * scale + r) * ow, ow));
            }
        }
    }

    /// <summary>
    /// SegNet's Upsample: a zero output where each input value lands at the index (within its
    /// plane) that the mask holds for it, as MAX pooling's mask top gives them.
    /// </summary>
    public static void Unpool(in Tensor input, in Tensor mask, Tensor output)
    {
        Require.Shape(mask, input.Shape, "Upsample mask");
        int planes = input.Shape[0] * input.Shape[1];
        Require.Model(output.Rank == 4 && output.Shape[0] * output.Shape[1] == planes, $"Upsample output {output.Shape} does not match input {input.Shape}");
        int plane = input.Shape[2] * input.Shape[3], outPlane = output.Shape[2] * output.Shape[3];
        var src = input.Span;
        var indices = mask.Span;
        var dst = output.Span;
        dst.Clear();
        for (int p = 0; p < planes; p++)
        {
            for (int i = p * plane, end = i + plane; i < end; i++)
            {
                // Caffe truncates the float index; one outside the plane means the pooling it came from does not match.
                float at = indices[i];
                Require.Model(at >= 0 && at < outPlane,
                    $"mask index {at} is outside the {output.Shape[2]}x{output.Shape[3]} output; the scale does not match the pooling that made the mask");
                dst[p * outPlane + (int)at] = src[i];
            }
        }
    }
}
