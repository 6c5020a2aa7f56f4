using System.Text.Json;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Run;

/// <summary>
/// `run --input NAME=FOLDER --json`: one JSON object per image, {"file", "outputs": [...]}, each on a
/// line of its own as its batch finishes (JSON Lines), so a long run can be read as it goes. Each
/// output is summarised as `run --json` does, over that image's sample alone (shape with batch 1);
/// a detection output, whose rows hold the whole batch, lists that image's detections as image 0.
/// </summary>
internal static class ImageRecord
{
    public static void Write(TextWriter stdout, string file, int sample, int batch, IReadOnlyDictionary<string, Tensor> outputs,
        IReadOnlyDictionary<string, string?> producers, LabelReport? labels)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("file", file);
            json.WriteStartArray("outputs");
            foreach (var (name, value) in outputs)
            {
                var summary = SampleSummary(name, value, sample, batch, producers.GetValueOrDefault(name), out var of);
                (labels?.Label(summary, of) ?? summary).WriteJson(json);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>The summary of one image's part of an output, and that part (the whole output where it is not split by image).</summary>
    static OutputSummary SampleSummary(string name, in Tensor value, int sample, int batch, string? producer, out Tensor part)
    {
        if (value.Rank > 0 && value.Shape[0] == batch)
        {
            part = Sample(value, sample);
            return OutputSummary.Of(name, part, producer);
        }
        part = value;
        var whole = OutputSummary.Of(name, value, producer);
        return whole.Detections is null ? whole
            : whole with { Detections = [.. whole.Detections.Where(d => d.Image == sample).Select(d => d with { Image = 0 })] };
    }

    /// <summary>Sample <paramref name="n"/> along the first axis, copied, with that axis 1.</summary>
    public static Tensor Sample(in Tensor value, int n)
    {
        var dims = value.Shape.ToArray();
        int size = value.Count / dims[0];
        dims[0] = 1;
        return Tensor.From(new TensorShape(dims), value.Span.Slice(n * size, size));
    }
}
