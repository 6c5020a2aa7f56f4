using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>One Caffe layer in the graph, with its inputs and outputs resolved to values.</summary>
public sealed class Node
{
    internal Node(int index, LayerParameter layer, IReadOnlyList<Value> inputs)
    {
        Index = index;
        Layer = layer;
        Inputs = inputs;
    }

    /// <summary>Position in <see cref="NetGraph.Nodes"/> (execution order).</summary>
    public int Index { get; }

    /// <summary>The layer's name, as in the prototxt.</summary>
    public string Name => Layer.Name;

    /// <summary>The Caffe type string, e.g. "Convolution".</summary>
    public string Type => Layer.Type;

    /// <summary>The layer as written (after legacy upgrade), for parameters attributes do not cover.</summary>
    public LayerParameter Layer { get; }

    /// <summary>The values it reads (its bottoms), in order.</summary>
    public IReadOnlyList<Value> Inputs { get; }

    /// <summary>The values it writes (its tops), in order; an in-place top is a new version of its bottom.</summary>
    public IReadOnlyList<Value> Outputs { get; internal set; } = [];

    /// <summary>Typed parameters for known layer kinds; null for opaque (unknown) types.</summary>
    public LayerAttributes? Attributes { get; internal set; }

    /// <summary>The rule that shaped it (the runtime's definition of its type); null when <see cref="IsKnown"/> is false.</summary>
    internal ILayerShape? Rule { get; set; }

    /// <summary>False for a layer type we have no rule for: kept so the graph reads whole, but not runnable.</summary>
    public bool IsKnown { get; internal set; }

    /// <summary>The shapes of the learnable blobs Caffe would create for this layer, in blob order.</summary>
    public IReadOnlyList<Shape> ParamShapes { get; internal set; } = [];

    /// <summary>The layer's blobs from the weights (or the prototxt); empty when none were given.</summary>
    public IReadOnlyList<BlobProto> Blobs => Layer.Blobs;

    /// <summary>True when the layer has learnable blobs but none were given, so Caffe would fill them.</summary>
    public bool NeedsFiller => ParamShapes.Count > 0 && Layer.Blobs.Count == 0;

    /// <summary>Its parameters, multiply-accumulates, other operations and output bytes (null where a size is unknown).</summary>
    public NodeCost Cost { get; internal set; } = new(0, 0, 0, 0);

    /// <summary>True when output <paramref name="top"/> rewrites input <paramref name="top"/> in place.</summary>
    public bool IsInPlace(int top) =>
        top < Layer.Bottom.Count && top < Layer.Top.Count && Layer.Bottom[top] == Layer.Top[top];

    /// <summary>"conv1 (Convolution)".</summary>
    public override string ToString() => $"{Name} ({Type})";
}
