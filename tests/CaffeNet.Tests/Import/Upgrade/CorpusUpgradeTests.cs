using CaffeNet.Import.Text;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Upgrade;

/// <summary>
/// Every net of ../shared/corpus (MANIFEST.tsv), V0, V1 and V2, text and binary. The expected layer
/// types of the legacy ones come from the manifest, compiled apart from this code. Without the
/// corpus (a bare clone) these tests have nothing to check and pass.
/// </summary>
public class CorpusUpgradeTests
{
    [Fact]
    public void EveryCorpusNetUpgradesToTheCurrentForm()
    {
        var results = ManifestRow.ReadAll().Where(r => r.IsNet).Select(row =>
        {
            var original = row.Load();
            var upgraded = NetUpgrader.Upgrade(original, row.Path);
            // No corpus net has V0 padding layers, so each layer stays, plus one for shaped input fields.
            var inputLayer = original.Input.Count > 0 && (original.InputDim.Count > 0 || original.InputShape.Count > 0) ? 1 : 0;
            var expected = $"{row.Path}: {original.Layer.Count + original.Layers.Count + inputLayer} layers, current";
            var legacyFields = upgraded.Layers.Count + upgraded.Input.Count + upgraded.InputDim.Count + upgraded.InputShape.Count;
            var current = legacyFields == 0 && !NetUpgrader.NeedsUpgrade(upgraded) ? "current" : $"{legacyFields} legacy fields";
            return (expected, actual: $"{row.Path}: {upgraded.Layer.Count} layers, {current}");
        }).ToList();

        Assert.Equal(Directory.Exists(TestPaths.Corpus), results.Count > 0);
        Assert.All(results, r => Assert.Equal(r.expected, r.actual));
    }

    [Fact]
    public void LegacyCorpusNetsGetTheManifestLayerTypes()
    {
        var legacy = ManifestRow.ReadAll().Where(r => r.IsNet && r.IsLegacy).ToList();

        Assert.Equal(Directory.Exists(TestPaths.Corpus), legacy.Count > 0);
        Assert.All(legacy, row =>
        {
            var upgraded = NetUpgrader.Upgrade(row.Load(), row.Path);
            var types = upgraded.Layer.Where(l => l.Type != "Input").Select(l => l.Type.ToLowerInvariant());
            var withBlobs = upgraded.Layer.Count(l => l.Blobs.Count > 0);
            Assert.Equal($"{row.Path}: {TypeCounts(row.LayerTypes())}; with blobs {row.LayersWithBlobs}",
                $"{row.Path}: {TypeCounts(types)}; with blobs {withBlobs}");
        });
    }

    static string TypeCounts(IEnumerable<string> types) =>
        string.Join(",", types.GroupBy(t => t).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}:{g.Count()}"));

    /// <summary>The manifest's V0 and V1 type ("conv", CONVOLUTION) as the lower-cased V2 name ("convolution").</summary>
    static string AsV2(string legacyType)
    {
        var plain = legacyType.Replace("_", "").ToLowerInvariant();
        return plain switch
        {
            "conv" => "convolution",
            "pool" => "pooling",
            "softmaxloss" => "softmaxwithloss",
            _ => plain,
        };
    }

    sealed record ManifestRow(string Folder, string File, string Format, string LayerTypeCounts)
    {
        public string Path => $"{Folder}/{File}";

        public bool IsNet => Format.Contains("layer", StringComparison.Ordinal);

        public bool IsLegacy => Format.Contains("V0", StringComparison.Ordinal) || Format.Contains("V1", StringComparison.Ordinal);

        public bool IsBinary => Format.StartsWith("binary", StringComparison.Ordinal);

        public NetParameter Load()
        {
            var path = TestPaths.InCorpus(Folder, File);
            return IsBinary
                ? NetParameter.Parser.ParseFrom(System.IO.File.ReadAllBytes(path))
                : TextFormat.ParseFile<NetParameter>(path, new TextParseOptions { Lenient = true });
        }

        /// <summary>"CONVOLUTION:5,RELU:7 (layers with blobs: 4)" as one lower-cased V2 type per layer.</summary>
        public IEnumerable<string> LayerTypes() =>
            LayerTypeCounts.Split(" (")[0].Split(',').SelectMany(entry =>
            {
                var (type, count) = (entry[..entry.LastIndexOf(':')], int.Parse(entry[(entry.LastIndexOf(':') + 1)..]));
                return Enumerable.Repeat(AsV2(type), count);
            });

        public int LayersWithBlobs =>
            LayerTypeCounts.Split("(layers with blobs: ") is [_, var rest] ? int.Parse(rest.TrimEnd(')')) : 0;

        public static List<ManifestRow> ReadAll()
        {
            var manifest = TestPaths.InCorpus("MANIFEST.tsv");
            if (!System.IO.File.Exists(manifest))
                return [];
            return System.IO.File.ReadLines(manifest).Skip(1)
                .Select(line => line.Split('\t'))
                .Select(f => new ManifestRow(f[0], f[2], f[5], f[6]))
                .ToList();
        }
    }
}
