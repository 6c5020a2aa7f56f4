using CaffeNet.Graph;
using CaffeNet.Import.Text;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Builds the runnable layer for a node from the definition that shaped it (see
/// <see cref="LayerRegistry"/>), and the helpers the definitions share.
/// </summary>
static class LayerFactory
{
    /// <summary>A CaffeNetException naming the layer when the runtime has no kernel for its type.</summary>
    public static void RequireSupported(NetGraph graph, Node node)
    {
        if (node.Rule is LayerDefinition)
            return;
        if (node.Type == "Python")
            throw new CaffeNetException(
                $"layer {Excerpt.Name(node.Name)}: a Python layer ({PythonDefinition.Describe(node.Layer)}) with bottoms runs Python code inside the net, which CaffeNet cannot run; only a Python data layer (no bottoms) becomes an input");
        // A near miss is named; the list of all 40-odd types would make a line of 500 characters.
        var types = ((LayerRegistry)graph.Layers).RunnableTypes.ToList();
        var hint = NameSuggester.Nearest(node.Type, types, out _) is { } near ? $"; did you mean {near}?" : "";
        throw new CaffeNetException(
            $"layer {Excerpt.Name(node.Name)}: type {Excerpt.Plain(node.Type)} is not supported by the runtime{hint} (supported: {Excerpt.List(types.Select(t => Excerpt.Plain(t)), 12)})");
    }

    /// <summary>The runnable layer; a CaffeNetException naming the layer when it cannot be built.</summary>
    public static ILayer For(Node node, IReadOnlyList<Tensor> blobs, WorkerPool? pool = null)
    {
        var definition = node.Rule as LayerDefinition
            ?? throw new InvalidOperationException($"layer {Excerpt.Name(node.Name)} has no definition; check RequireSupported first");
        try
        {
            return definition.Create(node, blobs, pool);
        }
        catch (CaffeNetException e) when (!e.Message.StartsWith("layer '", StringComparison.Ordinal))
        {
            throw new CaffeNetException($"{Excerpt.Layer(node.Name, node.Type)}: {e.Message}", e);
        }
    }

    /// <summary>The node's attributes as the type its shape rule produced.</summary>
    internal static T Attributes<T>(Node node) where T : LayerAttributes =>
        node.Attributes as T ?? throw new InvalidOperationException($"layer {Excerpt.Name(node.Name)} has no {typeof(T).Name}");

    internal static TensorShape ToTensorShape(Shape shape) => new([.. shape.Dims]);
}
