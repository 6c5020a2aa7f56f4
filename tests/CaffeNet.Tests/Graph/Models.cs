using CaffeNet.Import;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Graph;

/// <summary>Loads models through the importer, as `caffenet dump` does.</summary>
static class Models
{
    /// <summary>Strictly, as protoc reads (the default).</summary>
    public static NetParameter Load(string prototxt, string? weights = null) =>
        ModelLoader.Load(prototxt, weights);

    /// <summary>Skipping forks' extra fields, as `--lenient` does.</summary>
    public static NetParameter LoadLenient(string prototxt, string? weights = null) =>
        ModelLoader.Load(prototxt, weights, new ImportOptions(Lenient: true));
}
