using System.Runtime.InteropServices;

namespace CaffeNet.Runtime.Kernels;

/// <summary>
/// One candidate box of the MobileNet-YOLO fork's detection outputs: centre, size (relative to
/// the image), class. Candidates of one prediction (the classes of one anchor in one cell) share
/// a <paramref name="Group"/>, and so their box.
/// </summary>
internal record struct YoloBox(int Image, float X, float Y, float W, float H, int Class, float Confidence, int Group);

/// <summary>
/// What YoloDetectionOutput and Yolov3DetectionOutput share: sorting by confidence, the fork's
/// class-agnostic non-maximum suppression, and the rows [image, label, score, xmin, ymin, xmax, ymax].
/// </summary>
internal static class YoloBoxes
{
    /// <summary>1 / (1 + e^-x) as the fork computes it: the exponential in float, the rest in double.</summary>
    public static float Sigmoid(float x) => (float)(1.0 / (1.0 + MathF.Exp(-x)));

    /// <summary>
    /// Writes the boxes that survive NMS, image by image, and returns the rows written (it sorts
    /// <paramref name="boxes"/> in place). Within an
    /// image, boxes go by descending confidence (ties in the order found); a box is dropped when
    /// its IoU with a box kept before it is at least <paramref name="nmsThreshold"/>, whatever
    /// the classes. When no image keeps a box, each image gets one row [image, -1, ..., -1].
    /// </summary>
    public static int Write(List<YoloBox> boxes, int images, float nmsThreshold, Span<float> output)
    {
        // Ties in confidence keep the order the boxes were found in (prediction, then class), where
        // the fork's std::sort leaves them in no defined order.
        var ordered = CollectionsMarshal.AsSpan(boxes);
        ordered.Sort(static (a, b) =>
            a.Image != b.Image ? a.Image.CompareTo(b.Image)
            : a.Confidence != b.Confidence ? b.Confidence.CompareTo(a.Confidence)
            : a.Group != b.Group ? a.Group.CompareTo(b.Group)
            : a.Class.CompareTo(b.Class));
        var kept = new List<YoloBox>();
        var suppressors = new Dictionary<int, YoloBox>();
        int rows = 0;
        int first = 0;
        while (first < ordered.Length)
        {
            int image = ordered[first].Image, end = first;
            while (end < ordered.Length && ordered[end].Image == image) end++;
            kept.Clear();
            suppressors.Clear();
            for (int i = first; i < end; i++)
            {
                var box = ordered[i];
                // Which kept box suppresses it does not matter. Candidates of one prediction share
                // their box (YOLOv3 gives one per class), so the kept box that suppressed an earlier
                // one, or that is one, is tried first: the whole group then costs one scan of the kept boxes.
                if (suppressors.TryGetValue(box.Group, out var known) && Iou(known, box) >= nmsThreshold)
                    continue;
                if (Suppressor(kept, box, nmsThreshold) is { } suppressor)
                {
                    suppressors[box.Group] = suppressor;
                    continue;
                }
                kept.Add(box);
                suppressors.TryAdd(box.Group, box);
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

    static YoloBox? Suppressor(List<YoloBox> kept, in YoloBox box, float threshold)
    {
        foreach (var k in kept)
            if (Iou(k, box) >= threshold)
                return k;
        return null;
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
