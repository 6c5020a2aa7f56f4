using CaffeNet.Import;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Graph;

/// <summary>Loads models through the importer, leniently (forks' extra fields skipped), as `caffenet dump` does.</summary>
static class Models
{
    public static NetParameter Load(string prototxt, string? weights = null) =>
        ModelLoader.Load(prototxt, weights, new ImportOptions(Lenient: true));
}
