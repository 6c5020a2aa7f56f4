using CaffeNet.Import.Text;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Graph;

/// <summary>Loads prototxt through the importer, leniently (forks' extra fields skipped), as `caffenet dump` does.</summary>
static class Models
{
    public static NetParameter Load(string prototxt) =>
        NetUpgrader.Upgrade(TextFormat.ParseFile<NetParameter>(prototxt, new TextParseOptions { Lenient = true }), prototxt);
}
