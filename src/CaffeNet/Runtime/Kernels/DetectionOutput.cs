using CaffeNet.Graph;

namespace CaffeNet.Runtime.Kernels;

/// <summary>Buffers DetectionOutput reuses from one forward to the next.</summary>
internal sealed class DetectionScratch
{
    public float[] Boxes = [];
    public (float Score, int Index)[] Candidates = [];
    public List<int>[] Kept = [];
    public List<(float Score, int Label, int Index)> Ranked = [];

    public void Ensure(int boxFloats, int priors, int classes)
    {
        if (Boxes.Length < boxFloats) Boxes = new float[boxFloats];
        if (Candidates.Length < priors) Candidates = new (float, int)[priors];
        if (Kept.Length < classes) Kept = [.. Enumerable.Range(0, classes).Select(_ => new List<int>())];
    }
}

/// <summary>
/// SSD's detection output, as the fork's CPU forward computes it: boxes decoded against the
/// priors (not clipped), then per image and class (background skipped) the candidates above the
/// confidence threshold, best first (ties by prior index), at most top_k of them, greedy NMS
/// (a box is kept while its overlap with every kept box is at most the threshold, which eta
/// shrinks after each kept box while above 0.5), and keep_top_k over the image's classes.
/// Rows go out per image, label ascending, best first within a label. With no detection at all
/// each image gets one row [image, -1, -1, -1, -1, -1, -1], as in the fork. Rows past those
/// written are -1 throughout.
/// </summary>
internal static class DetectionOutput
{
    const int BoxFloats = 5; // xmin, ymin, xmax, ymax, size

    static readonly float[] NoVariance = [1, 1, 1, 1];

    /// <returns>The number of rows written.</returns>
    public static int Forward(in Tensor loc, in Tensor conf, in Tensor priors, DetectionOutputAttributes a, DetectionScratch scratch, Tensor output)
    {
        int num = loc.Shape[0], n = a.Priors, classes = a.Classes;
        int locClasses = a.ShareLocation ? 1 : classes;
        Require.Length(loc.Span, num * n * locClasses * 4, "DetectionOutput locations");
        Require.Length(conf.Span, num * n * classes, "DetectionOutput confidences");
        Require.Length(priors.Span, 2 * n * 4, "DetectionOutput priors");
        Require.Shape(output, new TensorShape([1, 1, a.Rows, 7]), "DetectionOutput output");
        scratch.Ensure(locClasses * n * BoxFloats, n, classes);
        var rows = output.Span;
        rows.Fill(-1);
        int written = 0;
        for (int image = 0; image < num; image++)
        {
            var boxes = scratch.Boxes.AsSpan(0, locClasses * n * BoxFloats);
            Decode(loc.Span.Slice(image * n * locClasses * 4, n * locClasses * 4), priors.Span, a, locClasses, boxes);
            var scores = conf.Span.Slice(image * n * classes, n * classes);
            int found = 0;
            for (int c = 0; c < classes; c++)
            {
                scratch.Kept[c].Clear();
                if (c == a.BackgroundLabel) continue;
                var classBoxes = boxes.Slice((a.ShareLocation ? 0 : c) * n * BoxFloats, n * BoxFloats);
                Suppress(scores, c, classes, classBoxes, a, scratch.Candidates, scratch.Kept[c]);
                found += scratch.Kept[c].Count;
            }
            if (a.KeepTopK > -1 && found > a.KeepTopK)
                KeepBest(scores, classes, a.KeepTopK, scratch);
            for (int c = 0; c < classes; c++)
            {
                var classBoxes = boxes.Slice((a.ShareLocation ? 0 : c) * n * BoxFloats, n * BoxFloats);
                foreach (int index in scratch.Kept[c])
                {
                    var row = rows.Slice(written++ * 7, 7);
                    var box = classBoxes.Slice(index * BoxFloats, 4);
                    row[0] = image;
                    row[1] = c;
                    row[2] = scores[index * classes + c];
                    box.CopyTo(row[3..]);
                }
            }
        }
        if (written > 0) return written;
        for (int image = 0; image < num; image++)
            rows[image * 7] = image;
        return num;
    }

    /// <summary>Each prior's box for each location class, with its area (0 when inverted), as the fork's DecodeBBox.</summary>
    static void Decode(ReadOnlySpan<float> loc, ReadOnlySpan<float> priors, DetectionOutputAttributes a, int locClasses, Span<float> boxes)
    {
        int n = a.Priors;
        var variances = priors[(n * 4)..];
        for (int p = 0; p < n; p++)
        {
            var prior = priors.Slice(p * 4, 4);
            var variance = a.VarianceEncodedInTarget ? NoVariance : variances.Slice(p * 4, 4);
            for (int c = 0; c < locClasses; c++)
            {
                var code = loc.Slice((p * locClasses + c) * 4, 4);
                var box = boxes.Slice((c * n + p) * BoxFloats, BoxFloats);
                DecodeOne(prior, variance, code, a.Code, box);
                box[4] = Size(box);
            }
        }
    }

    static void DecodeOne(ReadOnlySpan<float> prior, ReadOnlySpan<float> v, ReadOnlySpan<float> code, BoxCode type, Span<float> box)
    {
        float priorW = prior[2] - prior[0], priorH = prior[3] - prior[1];
        switch (type)
        {
            case BoxCode.Corner:
                for (int i = 0; i < 4; i++)
                    box[i] = prior[i] + v[i] * code[i];
                break;
            case BoxCode.CenterSize:
                Require.Model(priorW > 0 && priorH > 0, $"DetectionOutput: a prior has no area ({prior[0]}, {prior[1]}, {prior[2]}, {prior[3]})");
                float priorCx = (float)((prior[0] + prior[2]) / 2.0), priorCy = (float)((prior[1] + prior[3]) / 2.0);
                float cx = v[0] * code[0] * priorW + priorCx;
                float cy = v[1] * code[1] * priorH + priorCy;
                float w = MathF.Exp(v[2] * code[2]) * priorW;
                float h = MathF.Exp(v[3] * code[3]) * priorH;
                box[0] = (float)(cx - w / 2.0);
                box[1] = (float)(cy - h / 2.0);
                box[2] = (float)(cx + w / 2.0);
                box[3] = (float)(cy + h / 2.0);
                break;
            case BoxCode.CornerSize:
                Require.Model(priorW > 0 && priorH > 0, $"DetectionOutput: a prior has no area ({prior[0]}, {prior[1]}, {prior[2]}, {prior[3]})");
                box[0] = prior[0] + v[0] * code[0] * priorW;
                box[1] = prior[1] + v[1] * code[1] * priorH;
                box[2] = prior[2] + v[2] * code[2] * priorW;
                box[3] = prior[3] + v[3] * code[3] * priorH;
                break;
            default:
                throw new CaffeNetException($"DetectionOutput: unknown code_type {(int)type}");
        }
    }

    /// <summary>The fork's ApplyNMSFast for class <paramref name="c"/>: kept prior indices, best first.</summary>
    static void Suppress(ReadOnlySpan<float> scores, int c, int classes, ReadOnlySpan<float> boxes, DetectionOutputAttributes a,
        (float Score, int Index)[] candidates, List<int> kept)
    {
        int count = 0;
        for (int p = 0; p < a.Priors; p++)
        {
            float score = scores[p * classes + c];
            if (score > a.ConfidenceThreshold) candidates[count++] = (score, p);
        }
        // Best first, ties in prior order: what the fork's stable sort gives.
        Array.Sort(candidates, 0, count, CandidateOrder.Instance);
        if (a.TopK > -1) count = Math.Min(count, a.TopK);
        float threshold = a.NmsThreshold;
        for (int i = 0; i < count; i++)
        {
            int index = candidates[i].Index;
            var box = boxes.Slice(index * BoxFloats, BoxFloats);
            bool keep = true;
            foreach (int other in kept)
            {
                if (Overlap(box, boxes.Slice(other * BoxFloats, BoxFloats)) > threshold)
                {
                    keep = false;
                    break;
                }
            }
            if (!keep) continue;
            kept.Add(index);
            if (a.Eta < 1 && threshold > 0.5f) threshold *= a.Eta;
        }
    }

    /// <summary>Keeps the <paramref name="keep"/> best of every class's kept boxes (ties: lower label, then NMS order).</summary>
    static void KeepBest(ReadOnlySpan<float> scores, int classes, int keep, DetectionScratch scratch)
    {
        var ranked = scratch.Ranked;
        ranked.Clear();
        for (int c = 0; c < classes; c++)
            foreach (int index in scratch.Kept[c])
                ranked.Add((scores[index * classes + c], c, index));
        // Insertion order breaks ties, so the sort is stable whatever List.Sort does.
        var order = Enumerable.Range(0, ranked.Count).OrderByDescending(i => ranked[i].Score).Take(keep).ToArray();
        for (int c = 0; c < classes; c++)
            scratch.Kept[c].Clear();
        foreach (int i in order)
            scratch.Kept[ranked[i].Label].Add(ranked[i].Index);
    }

    /// <summary>Intersection over union of two normalised boxes, 0 when they do not overlap (the fork's JaccardOverlap).</summary>
    internal static float Overlap(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (b[0] > a[2] || b[2] < a[0] || b[1] > a[3] || b[3] < a[1]) return 0;
        float width = MathF.Min(a[2], b[2]) - MathF.Max(a[0], b[0]);
        float height = MathF.Min(a[3], b[3]) - MathF.Max(a[1], b[1]);
        if (!(width > 0 && height > 0)) return 0;
        float intersection = width * height;
        return intersection / (a[4] + b[4] - intersection);
    }

    /// <summary>The fork's BBoxSize for a normalised box: 0 when inverted.</summary>
    static float Size(ReadOnlySpan<float> box) =>
        box[2] < box[0] || box[3] < box[1] ? 0 : (box[2] - box[0]) * (box[3] - box[1]);

    sealed class CandidateOrder : IComparer<(float Score, int Index)>
    {
        public static readonly CandidateOrder Instance = new();

        public int Compare((float Score, int Index) x, (float Score, int Index) y)
        {
            int byScore = y.Score.CompareTo(x.Score);
            return byScore != 0 ? byScore : x.Index.CompareTo(y.Index);
        }
    }
}
