using CaffeNet.Import;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Graph;

/// <summary>Loads models through the importer as `caffenet dump` does: strictly, as protoc reads.</summary>
static class Models
{
    public static NetParameter Load(string prototxt, string? weights = null) =>
        ModelLoader.Load(prototxt, weights);
}
