using System.Globalization;
using System.Text.Json;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Images;

namespace CaffeNet.Cli.Run;

/// <summary>One net output in brief: shape, min/max/mean, and per sample the top 5 of a probability vector.</summary>
/// <param name="Top5">Per sample, the five highest classes with their scores; null where the output is not a probability vector.</param>
public sealed record OutputSummary(string Name, TensorShape Shape, float Min, float Max, double Mean,
    IReadOnlyList<(int Class, float Score)[]>? Top5)
{
    /// <summary>Samples whose top 5 the text lists; a big batch lists only the first few (JSON has them all).</summary>
    const int MaxTextSamples = 4;

    /// <summary>Detections the text lists; JSON has them all.</summary>
    const int MaxTextDetections = 20;

    /// <summary>With --labels, for an output with one score per name: the names, written beside each top-5 class in JSON.</summary>
    public ClassLabels? Labels { get; init; }

    /// <summary>For a DetectionOutput top, its detections (image, class, score, box); else null.</summary>
    public IReadOnlyList<Detection>? Detections { get; init; }

    /// <summary>
    /// The summary of a net output; a DetectionOutput's (by its producer's type; the YOLO forks'
    /// detection outputs write the same rows) lists its detections.
    /// </summary>
    public static OutputSummary Of(string name, in Tensor value, string? producerType) =>
        producerType is "DetectionOutput" or "YoloDetectionOutput" or "Yolov3DetectionOutput"
            ? Of(name, value) with { Detections = Detection.Read(value) }
            : Of(name, value);

    public static OutputSummary Of(string name, in Tensor value)
    {
        var span = value.Span;
        double sum = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in span)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return new OutputSummary(name, value.Shape, min, max, span.Length == 0 ? 0 : sum / span.Length,
            IsProbabilities(value) ? TopFive(value) : null);
    }

    public void WriteText(TextWriter writer)
    {
        writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Excerpt.Plain(Name)}: shape {Shape}  min {Min:G6}  max {Max:G6}  mean {Mean:G6}"));
        if (Detections is not null)
            WriteDetections(writer, Detections);
        if (Top5 is null)
            return;
        for (int n = 0; n < Math.Min(Top5.Count, MaxTextSamples); n++)
        {
            var prefix = Top5.Count > 1 ? $"  [{n}] top-5:" : "  top-5:";
            writer.WriteLine(prefix + string.Concat(Top5[n].Select(t => string.Create(CultureInfo.InvariantCulture, $" {t.Class} ({t.Score:G4})"))));
        }
    }

    static void WriteDetections(TextWriter writer, IReadOnlyList<Detection> detections)
    {
        if (detections.Count == 0)
        {
            writer.WriteLine("  no detections");
            return;
        }
        writer.WriteLine(detections.Count == 1 ? "  1 detection (box corners as fractions of the image):" :
            $"  {detections.Count} detections (box corners as fractions of the image){(detections.Count > MaxTextDetections ? $", the best {MaxTextDetections}" : "")}:");
        foreach (var d in detections.OrderByDescending(d => d.Score).Take(MaxTextDetections))
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    image {d.Image}  class {d.Label}  score {d.Score:F4}  box ({d.Box.XMin:F4}, {d.Box.YMin:F4})-({d.Box.XMax:F4}, {d.Box.YMax:F4})"));
    }

    /// <summary>
    /// {"name", "shape", "min", "max", "mean", "top5": [[{"class", "label" (with --labels), "score"}, ...] per sample] or null,
    /// and for a DetectionOutput "detections": [{"image", "class", "score", "box": [xmin, ymin, xmax, ymax]}]};
    /// NaN and infinities as null.
    /// </summary>
    public void WriteJson(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteString("name", Name);
        json.WriteStartArray("shape");
        foreach (var d in Shape.Dims)
            json.WriteNumberValue(d);
        json.WriteEndArray();
        WriteNumber(json, "min", Min);
        WriteNumber(json, "max", Max);
        WriteNumber(json, "mean", Mean);
        if (Top5 is null)
        {
            json.WriteNull("top5");
        }
        else
        {
            json.WriteStartArray("top5");
            foreach (var sample in Top5)
            {
                json.WriteStartArray();
                foreach (var (c, score) in sample)
                {
                    json.WriteStartObject();
                    json.WriteNumber("class", c);
                    if (Labels is not null)
                        json.WriteString("label", Labels[c]);
                    WriteNumber(json, "score", score);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        if (Detections is not null)
        {
            json.WriteStartArray("detections");
            foreach (var d in Detections)
            {
                json.WriteStartObject();
                json.WriteNumber("image", d.Image);
                json.WriteNumber("class", d.Label);
                WriteNumber(json, "score", d.Score);
                json.WriteStartArray("box");
                foreach (var v in (float[])[d.Box.XMin, d.Box.YMin, d.Box.XMax, d.Box.YMax])
                {
                    if (float.IsFinite(v)) json.WriteNumberValue(v);
                    else json.WriteNullValue();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
    }

    /// <summary>JSON has no NaN or infinity: those are written as null.</summary>
    static void WriteNumber(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value))
            json.WriteNumber(name, value);
        else
            json.WriteNull(name);
    }

    static void WriteNumber(Utf8JsonWriter json, string name, float value)
    {
        if (float.IsFinite(value))
            json.WriteNumber(name, value);
        else
            json.WriteNull(name);
    }

    static (int Class, float Score)[][] TopFive(in Tensor value)
    {
        int samples = value.Shape[0], classes = value.Count / samples;
        var top = new (int, float)[samples][];
        for (int n = 0; n < samples; n++)
        {
            var row = value.Span.Slice(n * classes, classes).ToArray();
            top[n] = [.. Enumerable.Range(0, classes).OrderByDescending(i => row[i]).ThenBy(i => i).Take(5).Select(i => (i, row[i]))];
        }
        return top;
    }

    /// <summary>Per sample, values in [0, 1] that add up to 1: what a Softmax at the end gives.</summary>
    static bool IsProbabilities(in Tensor value)
    {
        if (value.Rank == 0 || value.Count == 0 || value.Count / value.Shape[0] < 2)
            return false;
        int samples = value.Shape[0], classes = value.Count / samples;
        var span = value.Span;
        for (int n = 0; n < samples; n++)
        {
            double sum = 0;
            foreach (var v in span.Slice(n * classes, classes))
            {
                if (!(v >= 0 && v <= 1))
                    return false;
                sum += v;
            }
            if (Math.Abs(sum - 1) > 1e-3)
                return false;
        }
        return true;
    }
}
