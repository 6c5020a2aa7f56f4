namespace CaffeNet.Runtime.Kernels;

/// <summary>One candidate box of the MobileNet-YOLO fork's detection outputs: centre, size (relative to the image), class.</summary>
internal record struct YoloBox(int Image, float X, float Y, float W, float H, int Class, float Confidence);

/// <summary>
/// What YoloDetectionOutput and Yolov3DetectionOutput share: sorting by confidence, the fork's
/// class-agnostic non-maximum suppression, and the rows [image, label, score, xmin, ymin, xmax, ymax].
/// </summary>
internal static class YoloBoxes
{
    /// <summary>1 / (1 + e^-x) as the fork computes it: the exponential in float, the rest in double.</summary>
    public static float Sigmoid(float x) => (float)(1.0 / (1.0 + MathF.Exp(-x)));

    /// <summary>
    /// Writes the boxes that survive NMS, image by image, and returns the rows written. Within an
    /// image, boxes go by descending confidence (ties in the order found); a box is dropped when
    /// its IoU with a box kept before it is at least <paramref name="nmsThreshold"/>, whatever
    /// the classes. When no image keeps a box, each image gets one row [image, -1, ..., -1].
    /// </summary>
    public static int Write(List<YoloBox> boxes, int images, float nmsThreshold, Span<float> output)
    {
        // A stable sort: the fork's std::sort leaves ties in no defined order.
        var ordered = boxes.Select((b, i) => (Box: b, Index: i))
            .OrderBy(p => p.Box.Image).ThenByDescending(p => p.Box.Confidence).ThenBy(p => p.Index)
            .Select(p => p.Box).ToList();
        var kept = new List<YoloBox>();
        int rows = 0;
        int first = 0;
        while (first < ordered.Count)
        {
            int image = ordered[first].Image, end = first;
            while (end < ordered.Count && ordered[end].Image == image) end++;
            kept.Clear();
            for (int i = first; i < end; i++)
            {
                var box = ordered[i];
                bool suppressed = false;
                foreach (var k in kept)
                {
                    if (Iou(k, box) >= nmsThreshold)
                    {
                        suppressed = true;
                        break;
                    }
                }
                if (suppressed) continue;
                kept.Add(box);
                var row = output.Slice(rows++ * 7, 7);
                row[0] = box.Image;
                row[1] = box.Class + 1;
                row[2] = box.Confidence;
                row[3] = (float)(box.X - box.W / 2.0);
                row[4] = (float)(box.Y - box.H / 2.0);
                row[5] = (float)(box.X + box.W / 2.0);
                row[6] = (float)(box.Y + box.H / 2.0);
            }
            first = end;
        }
        if (rows > 0) return rows;
        output[..(images * 7)].Fill(-1);
        for (int i = 0; i < images; i++)
            output[i * 7] = i;
        return images;
    }

    /// <summary>The fork's box_iou on centre-size boxes, in float; 0 when they do not overlap.</summary>
    public static float Iou(in YoloBox a, in YoloBox b)
    {
        float w = Overlap(a.X, a.W, b.X, b.W);
        float h = Overlap(a.Y, a.H, b.Y, b.H);
        float intersection = w < 0 || h < 0 ? 0 : w * h;
        return intersection / (a.W * a.H + b.W * b.H - intersection);
    }

    static float Overlap(float x1, float w1, float x2, float w2)
    {
        float left = Math.Max(x1 - w1 / 2, x2 - w2 / 2);
        float right = Math.Min(x1 + w1 / 2, x2 + w2 / 2);
        return right - left;
    }
}
