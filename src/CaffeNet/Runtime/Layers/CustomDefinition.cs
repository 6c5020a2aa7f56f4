using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Proto;

namespace CaffeNet.Runtime.Layers;

/// <summary>A <see cref="CustomLayer"/> type, defined as the built-ins are: a new instance per layer to shape and per executor to run.</summary>
sealed class CustomDefinition : LayerDefinition
{
    readonly Func<CustomLayer> _create;

    public CustomDefinition(Func<CustomLayer> create)
    {
        _create = create;
        var prototype = create();
        Type = prototype.Type;
        Field = prototype.ParameterField;
        if (string.IsNullOrEmpty(Type))
            throw new ArgumentException($"{prototype.GetType().Name}.Type is empty", nameof(create));
    }

    public override string Type { get; }

    public LayerParameterField? Field { get; }

    public override LayerShapes Infer(LayerContext c)
    {
        var inputs = c.Inputs.Select(LayerFactory.ToTensorShape).ToList();
        var (outputs, blobs) = Call(c.Layer, c.Error, layer => (layer.Reshape(inputs), layer.BlobShapes(inputs)));
        if (outputs.Count != c.TopCount)
            throw c.Error($"Reshape gave {outputs.Count} shape(s) for {c.TopCount} top(s)");
        return new LayerShapes(outputs.Select(s => c.Output(s.ToArray().Select(d => (long)d))).ToList())
        {
            Params = blobs.Select(s => new Shape(s.ToArray())).ToList(),
        };
    }

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs)
    {
        var inputs = node.Inputs.Select(v => LayerFactory.ToTensorShape(v.Shape)).ToList();
        var layer = Call(node.Layer, m => new CaffeNetException(m), layer =>
        {
            layer.Reshape(inputs);
            return layer;
        });
        layer.Bind(blobs);
        return new Bound(layer);
    }

    /// <summary>A new instance set up for <paramref name="parameter"/>, then <paramref name="use"/>; the user's errors named after the layer.</summary>
    T Call<T>(LayerParameter parameter, Func<string, CaffeNetException> error, Func<CustomLayer, T> use)
    {
        var layer = _create();
        if (layer.Type != Type)
            throw new InvalidOperationException($"the factory registered for type {Excerpt.Name(Type)} made a layer of type {Excerpt.Name(layer.Type)}");
        try
        {
            layer.Setup(parameter);
            return use(layer);
        }
        catch (CaffeNetException e) when (!e.Message.StartsWith("layer '", StringComparison.Ordinal))
        {
            throw error(e.Message);
        }
    }

    sealed class Bound(CustomLayer layer) : ILayer
    {
        public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) => layer.Forward(inputs, outputs);
    }
}
