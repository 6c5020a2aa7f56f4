using CaffeNet.Graph;
using CaffeNet.Graph.Passes;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;
using CaffeNet.Runtime;
using Google.Protobuf;

namespace CaffeNet.Fuzz;

/// <summary>
/// A net (prototxt or binary) through the legacy upgrade and the graph builder (shape inference, costs), in both
/// phases, then what `run` plans before allocating: fusions and the activation arena.
/// </summary>
sealed class GraphTarget : IFuzzTarget
{
    public string Name => "graph";

    public void Run(byte[] input)
    {
        // Lenient, as `run` reads nets today, so forks' fields do not stop the input early.
        var net = NetBytes.Read(input, lenient: true);
        if (NetUpgrader.NeedsUpgrade(net))
            net = NetUpgrader.Upgrade(net, "fuzz.prototxt", _ => { });
        foreach (var phase in (Phase[])[Phase.Test, Phase.Train])
        {
            var graph = GraphBuilder.Build(net, LayerRegistry.Default, new GraphOptions { Phase = phase, AllowUnknownDims = true });
            _ = graph.TotalCost;
            if (graph.HasUnknownDims)
                continue;
            MemoryPlan.For(graph);
            MemoryPlan.For(graph, GraphOptimizer.Plan(graph));
        }
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(SeedFiles files)
    {
        foreach (var path in files.Find(16 << 10, ".prototxt"))
        {
            yield return (SeedFiles.NameOf(path), File.ReadAllBytes(path));
            if (SeedNets.Parse(path) is { } net)
                yield return (SeedFiles.NameOf(path) + "-binary", net.ToByteArray());
        }
    }

    public IEnumerable<string> Dictionary => Tokens.Prototxt();
}
