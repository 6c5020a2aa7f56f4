using System.Globalization;
using System.Text.Json;

namespace CaffeNet.Cli.Run;

/// <summary>What `run` prints about a forward pass: its outputs in brief and the time it took, as text or as one JSON object.</summary>
public sealed record RunReport(string Model, int Threads, WeightsNote Weights, IReadOnlyList<OutputSummary> Outputs, TimeSpan Forward,
    long ActivationBytes)
{
    public void WriteText(TextWriter stdout)
    {
        if (Weights.Line is { } line)
            stdout.WriteLine(line);
        foreach (var output in Outputs)
            output.WriteText(stdout);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"forward {Forward.TotalMilliseconds:F1} ms, activations {ActivationBytes / 1024.0 / 1024.0:F1} MiB"));
    }

    /// <summary>{"model", "threads", "weights": {...}, "forward_ms", "activation_bytes", "outputs": [...]} on one line.</summary>
    public void WriteJson(TextWriter stdout)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("model", Model);
            json.WriteNumber("threads", Threads);
            json.WritePropertyName("weights");
            Weights.Json().WriteTo(json);
            json.WriteNumber("forward_ms", Forward.TotalMilliseconds);
            json.WriteNumber("activation_bytes", ActivationBytes);
            json.WriteStartArray("outputs");
            foreach (var output in Outputs)
                output.WriteJson(json);
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}
