using CaffeNet.Graph;
using CaffeNet.Import.Text;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Fuzz;

/// <summary>Nets and blobs for seeds, made with the library itself from the seed prototxts.</summary>
static class SeedNets
{
    /// <summary>The prototxt as written (not upgraded), or null if even the lenient reader refuses it.</summary>
    public static NetParameter? Parse(string path)
    {
        try
        {
            return TextFormat.ParseFile<NetParameter>(path, new TextParseOptions { Lenient = true });
        }
        catch (CaffeNetException)
        {
            return null;
        }
    }

    /// <summary>The upgraded net with every learnable blob filled from its fillers, as
    /// `caffenet init` writes it; null when it does not lower or has more than <paramref name="maxParams"/>.</summary>
    public static NetParameter? WithFillerWeights(NetParameter net, long maxParams)
    {
        try
        {
            var upgraded = NetUpgrader.NeedsUpgrade(net) ? NetUpgrader.Upgrade(net, "seed") : net;
            var graph = GraphBuilder.Build(upgraded, LayerRegistry.Default);
            if (graph.TotalCost.Params > maxParams)
                return null;
            return NetWeights.Resolve(graph, MissingWeights.Fill(1)).ToNetParameter(graph);
        }
        catch (CaffeNetException)
        {
            return null;
        }
    }

    /// <summary>Mean-image style blobs in the current and the legacy shape fields, float and double.</summary>
    public static IEnumerable<(string Name, BlobProto Blob)> Blobs()
    {
        var shaped = new BlobProto { Shape = new BlobShape { Dim = { 1, 3, 2, 2 } } };
        shaped.Data.AddRange(Enumerable.Range(0, 12).Select(i => i * 0.5f - 2));
        yield return ("blob-shape", shaped);
        var legacy = new BlobProto { Num = 1, Channels = 2, Height = 2, Width = 1 };
        legacy.DoubleData.AddRange([1.5, -0.25, 1e300, double.NaN]);
        yield return ("blob-legacy", legacy);
    }
}
