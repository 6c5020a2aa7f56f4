namespace CaffeNet.Graph;

/// <summary>
/// One version of a Caffe blob, in single-assignment form. A blob's first write is version 0; each
/// in-place layer (top == bottom) writes a new version, which shares the blob's storage.
/// </summary>
public sealed class Value
{
    readonly List<Node> consumers = [];

    internal Value(int id, string name, int version, Shape shape, Node? producer)
    {
        Id = id;
        Name = name;
        Version = version;
        Shape = shape;
        Producer = producer;
    }

    /// <summary>Index in <see cref="NetGraph.Values"/>.</summary>
    public int Id { get; }

    /// <summary>The blob name, exactly as in the prototxt.</summary>
    public string Name { get; }

    /// <summary>0 for the blob's first write, then one more for each in-place layer that rewrites it.</summary>
    public int Version { get; }

    /// <summary>Its dimensions, as Caffe's shape rules give them.</summary>
    public Shape Shape { get; }

    /// <summary>The node that writes this version, or null for a graph input.</summary>
    public Node? Producer { get; }

    /// <summary>Nodes that read this version, in execution order.</summary>
    public IReadOnlyList<Node> Consumers => consumers;

    /// <summary>"conv1" for version 0, "conv1#2" for the second in-place rewrite.</summary>
    public string DisplayName => Version == 0 ? Name : $"{Name}#{Version}";

    internal void AddConsumer(Node node) => consumers.Add(node);

    /// <summary>"conv1#2 1x32x112x112".</summary>
    public override string ToString() => $"{DisplayName} {Shape}";
}
