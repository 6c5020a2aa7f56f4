using System.Globalization;
using System.Text.Json.Nodes;
using CaffeNet.Cli.Run;

namespace CaffeNet.Cli.Bench;

/// <summary>What `bench` prints: the forward times (median, min, max), optionally per layer, as text or one JSON object.</summary>
/// <param name="Split">How the threads share the work: "layers" (each layer split over them) or "images" (whole images per thread).</param>
internal sealed record BenchReport(string Model, int Batch, int Threads, string Split, int Iterations, WeightsNote Weights, BenchTiming Timing)
{
    public void WriteJson(TextWriter stdout)
    {
        // JSON nodes, not JsonSerializer: no reflection, so the CLI also builds with Native AOT.
        var doc = new JsonObject
        {
            ["model"] = Model,
            ["batch"] = Batch,
            ["threads"] = Threads,
            ["split"] = Split,
            ["iterations"] = Iterations,
            ["weights"] = Weights.Json(),
            ["ms"] = new JsonObject { ["median"] = BenchTiming.Median(Timing.Forward), ["min"] = Timing.Forward.Min(), ["max"] = Timing.Forward.Max() },
            ["layers"] = new JsonArray([.. Timing.Nodes.Select((n, i) =>
                (JsonNode)new JsonObject { ["name"] = n.Name, ["type"] = n.Type, ["ms"] = BenchTiming.Median(Timing.PerNode[i]) })]),
        };
        stdout.WriteLine(doc.ToJsonString());
    }

    public void WriteText(TextWriter stdout, bool perLayer)
    {
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine(string.Create(c, $"{Model}: batch {Batch}, {Threads} thread(s) splitting {Split}, {Iterations} iterations"));
        if (Weights.Line is { } line)
            stdout.WriteLine(line);
        stdout.WriteLine(string.Create(c, $"forward: median {BenchTiming.Median(Timing.Forward):F3} ms, min {Timing.Forward.Min():F3} ms, max {Timing.Forward.Max():F3} ms"));
        if (!perLayer)
            return;
        if (Split == "images")
            stdout.WriteLine("layers: the whole batch, each layer split over the threads (whole images per thread have no per-layer time)");
        var medians = Timing.PerNode.Select(BenchTiming.Median).ToArray();
        double total = medians.Sum();
        stdout.WriteLine();
        stdout.WriteLine($"{"layer",-32} {"type",-14} {"ms",9} {"share",7} {"GFLOP/s",9}");
        for (int i = 0; i < Timing.Nodes.Length; i++)
        {
            var node = Timing.Nodes[i];
            double gflops = medians[i] > 0 ? 2.0 * (node.Cost.Macs ?? 0) / (medians[i] * 1e6) : 0;
            stdout.WriteLine(string.Create(c,
                $"{Excerpt.Plain(node.Name),-32} {Excerpt.Plain(node.Type),-14} {medians[i],9:F3} {100 * medians[i] / total,6:F1}% {(node.Cost.Macs > 0 ? gflops.ToString("F1", c) : "-"),9}"));
        }
    }
}
