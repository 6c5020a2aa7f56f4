using CaffeNet.Graph;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime.Layers;

/// <summary>Builds and runs the small prototxt nets of the SSD layer tests.</summary>
static class SsdNets
{
    public static NetGraph Build(string prototxt, GraphOptions? options = null) =>
        GraphBuilder.Build(TextFormat.Parse<NetParameter>(prototxt, "net.prototxt"), LayerRegistry.Default, options ?? new GraphOptions());

    /// <summary>One forward on the reference kernels, weights from the prototxt's fillers.</summary>
    public static IReadOnlyDictionary<string, Tensor> Run(string prototxt, params (string Name, Tensor Value)[] inputs)
    {
        using var executor = Executor.Create(Build(prototxt));
        return executor.Forward(inputs.ToDictionary(i => i.Name, i => i.Value));
    }

    public static string Input(string name, params int[] dims) =>
        $"layer {{ name: \"{name}\" type: \"Input\" top: \"{name}\" input_param {{ shape {{ {string.Join(' ', dims.Select(d => $"dim: {d}"))} }} }} }}\n";
}
