using CaffeNet.Graph;
using CaffeNet.Runtime;

namespace CaffeNet.Cli.Run;

/// <summary>
/// Where a command's weights come from. With a weights file, every learnable layer must find its
/// blobs there (or in the prototxt) unless <paramref name="FillMissing"/> lets the prototxt's
/// fillers make the rest, with a warning per layer. Without one, the fillers make every blob the
/// prototxt lacks, and the report says so.
/// </summary>
internal sealed record WeightsSource(string? File, bool FillMissing, ulong Seed)
{
    /// <summary>The weights, checked against <paramref name="budget"/> before they are allocated.</summary>
    public NetWeights Resolve(NetGraph graph, Action<string> warning, MemoryBudget budget)
    {
        if (File is null)
            return NetWeights.Resolve(graph, MissingWeights.Fill(Seed), budget);
        if (!FillMissing)
        {
            try
            {
                return NetWeights.Resolve(graph, MissingWeights.Refuse, budget);
            }
            catch (MissingWeightsException e)
            {
                throw new CaffeNetException($"{File}: {e.Message}; --fill-missing makes them from the prototxt's fillers", e);
            }
        }
        var weights = NetWeights.Resolve(graph, MissingWeights.Fill(Seed), budget);
        foreach (var node in weights.Filled)
            warning($"layer {Excerpt.Name(node.Name)} ({Excerpt.Plain(node.Type)}) has no weights in {File}; filled from the prototxt's fillers (seed {Seed})");
        return weights;
    }

    /// <summary>What the report says about <paramref name="weights"/>; <paramref name="calibrated"/>: BatchNorm statistics set from the input.</summary>
    public WeightsNote Note(NetGraph graph, NetWeights weights, bool calibrated) =>
        new(File, weights.Filled.Count, graph.Nodes.Count(n => n.ParamShapes.Count > 0), Seed,
            calibrated && weights.Filled.Any(n => n.Type == "BatchNorm"));
}
