namespace CaffeNet.Runtime;

/// <summary>A box's corners as fractions of the image's width and height (SSD's normalised boxes).</summary>
public readonly record struct DetectionBox(float XMin, float YMin, float XMax, float YMax);

/// <summary>
/// One detection of a DetectionOutput layer (SSD's fork): the image's index in the batch, the class
/// label, the confidence and the box.
/// </summary>
public sealed record Detection(int Image, int Label, float Score, DetectionBox Box)
{
    /// <summary>
    /// The detections in a DetectionOutput top (rows of 7: image, label, score, xmin, ymin, xmax,
    /// ymax), in its order. Rows with label -1 are left out: the fork writes one such row per image
    /// when no image has a detection, and they pad the planned rows past those found.
    /// </summary>
    public static IReadOnlyList<Detection> Read(in Tensor output)
    {
        if (output.Count % 7 != 0)
            throw new ArgumentException($"a DetectionOutput top holds rows of 7 values, not {output.Shape}", nameof(output));
        var rows = output.Span;
        var detections = new List<Detection>();
        for (int at = 0; at < rows.Length; at += 7)
        {
            var row = rows.Slice(at, 7);
            if (row[1] == -1) continue;
            detections.Add(new Detection((int)row[0], (int)row[1], row[2], new DetectionBox(row[3], row[4], row[5], row[6])));
        }
        return detections;
    }
}
