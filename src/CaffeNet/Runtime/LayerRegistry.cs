using CaffeNet.Graph;
using CaffeNet.Import;
using CaffeNet.Runtime.Layers;

namespace CaffeNet.Runtime;

/// <summary>
/// The layer types a net can use, by Caffe type name (case-sensitive, as in Caffe): each with its
/// shape rule and its forward, as Caffe's own layer registry keys layer classes. Every built-in
/// type is registered this way; <see cref="Default"/> holds just those. Reading it from many
/// threads is safe; <see cref="Add(Func{CustomLayer})"/> is not: register every type before a
/// registry is used to load models.
/// </summary>
public sealed class LayerRegistry : ShapeRules
{
    readonly Dictionary<string, LayerType> _types = new(StringComparer.Ordinal);
    readonly bool _readOnly;

    /// <summary>A registry holding the built-in types, to which more can be added.</summary>
    public LayerRegistry() : this(readOnly: false) { }

    LayerRegistry(bool readOnly)
    {
        foreach (var type in BuiltInLayers.All)
            Add(type);
        _readOnly = readOnly;
    }

    /// <summary>The built-in types only; it cannot be added to.</summary>
    public static LayerRegistry Default { get; } = new(readOnly: true);

    /// <summary>Every type name it knows, forks' aliases included, in ordinal order.</summary>
    public IReadOnlyList<string> Types => [.. _types.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The names of the types that compute (not Input or a data layer), in ordinal order.</summary>
    internal IEnumerable<string> RunnableTypes =>
        _types.Where(t => t.Value is LayerDefinition).Select(t => t.Key).Order(StringComparer.Ordinal);

    /// <summary>True when <paramref name="type"/> is a type name it knows.</summary>
    public bool Contains(string type) => _types.ContainsKey(type);

    /// <summary>
    /// Adds a layer type defined by user code. <paramref name="create"/> makes a new, not yet set up
    /// instance each time it is called: once here (to read its <see cref="CustomLayer.Type"/> and
    /// <see cref="CustomLayer.ParameterField"/>), once per layer when a graph is built, and once per
    /// layer for each run going on at once (each keeps its instances). Not thread-safe. Throws ArgumentException when the type name (or the
    /// parameter field's name or number) is taken.
    /// </summary>
    /// <returns>This registry, so that additions chain.</returns>
    public LayerRegistry Add(Func<CustomLayer> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var definition = new CustomDefinition(create);
        if (definition.Field is { } field && LayerFields.FirstOrDefault(f => f != field && (f.Name == field.Name || f.Number == field.Number)) is { } other)
            throw new ArgumentException(
                $"layer type {Excerpt.Name(definition.Type)}: its field {field.Name} = {field.Number} clashes with {other.Name} = {other.Number}", nameof(create));
        Add(definition);
        return this;
    }

    /// <summary>
    /// The parameter fields its custom types read, to give the readers
    /// (<see cref="ImportOptions.LayerFields"/>) so that a prototxt may set them by name.
    /// </summary>
    public IReadOnlyList<LayerParameterField> LayerFields =>
        [.. _types.Values.OfType<CustomDefinition>().Select(d => d.Field).OfType<LayerParameterField>().Distinct()];

    internal override ILayerShape? Rule(string type) => _types.GetValueOrDefault(type) as LayerDefinition;

    internal override ISourceShape? Source(string type) => _types.GetValueOrDefault(type) as SourceDefinition;

    void Add(LayerType type)
    {
        if (_readOnly)
            throw new InvalidOperationException("LayerRegistry.Default cannot be added to; add to a new LayerRegistry()");
        foreach (var name in type.Aliases.Prepend(type.Type))
            if (!_types.TryAdd(name, type))
                throw new ArgumentException($"layer type {Excerpt.Name(name)} is already registered", nameof(type));
    }
}
