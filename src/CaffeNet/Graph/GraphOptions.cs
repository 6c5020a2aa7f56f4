using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>How to lower a net: which state to select layers for, and input shapes to impose.</summary>
public sealed record GraphOptions
{
    /// <summary>The phase; null keeps the net's own `state { phase }` (TEST unless it says otherwise).</summary>
    public Phase? Phase { get; init; }

    /// <summary>The level; null keeps the net's own `state { level }`.</summary>
    public int? Level { get; init; }

    /// <summary>Stages added to the net's own `state { stage }`, as `caffe --stage` does.</summary>
    public IReadOnlyList<string> Stages { get; init; } = [];

    /// <summary>Shapes for named graph inputs, overriding what the prototxt says (`--input NAME=N,C,H,W`).</summary>
    public IReadOnlyDictionary<string, Shape> InputShapes { get; init; } = new Dictionary<string, Shape>();

    /// <summary>
    /// Lower the net even when a data layer's dimensions live only in its database: they become
    /// unknown (<see cref="Shape.Partial"/>) and are carried through the shape rules. For
    /// inspection only (`dump`); such a graph cannot run. Off, the builder asks for --input.
    /// </summary>
    public bool AllowUnknownDims { get; init; }
}
