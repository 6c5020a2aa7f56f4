using System.Collections.Immutable;
using CaffeNet.Graph;

namespace CaffeNet;

/// <summary>
/// The dimensions of a blob, outermost first (N, C, H, W for images). Immutable. Dimensions are
/// ints as in Caffe; <see cref="Count"/> is a long so products can be checked for overflow.
/// A shape may be partial: its rank known but some dimensions not (a data layer whose images live
/// in a database). Only `dump` builds such graphs; reading an unknown dimension through the
/// indexer, <see cref="Dims"/> or <see cref="Count"/> throws, so code that needs exact sizes
/// cannot silently compute with them.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    /// <summary>How an unknown dimension is stored; never handed out as a size.</summary>
    const int UnknownDim = -1;

    readonly ImmutableArray<int> dims;

    /// <summary>A complete shape of the given dimensions (none negative).</summary>
    public Shape(params int[] dims) : this(ImmutableArray.Create(dims)) { }

    /// <summary>A complete shape of the given dimensions (none negative).</summary>
    public Shape(IEnumerable<int> dims) : this(dims.ToImmutableArray()) { }

    /// <summary>Unchecked: for <see cref="Unknown"/> and <see cref="Partial"/>, which check their own dims.</summary>
    Shape(ImmutableArray<int> stored, bool known)
    {
        dims = stored;
        IsKnown = known;
    }

    Shape(ImmutableArray<int> dims)
    {
        foreach (var d in dims)
            if (d < 0)
                throw new ArgumentOutOfRangeException(nameof(dims), $"negative dimension {d}");
        this.dims = dims;
    }

    /// <summary>The shape of an output no rule could infer (an opaque layer's top nobody reads).</summary>
    public static Shape Unknown { get; } = new(ImmutableArray<int>.Empty, known: false);

    /// <summary>A shape of known rank whose null dimensions are unknown.</summary>
    public static Shape Partial(IEnumerable<int?> dims)
    {
        var list = dims.ToList();
        if (list.Any(d => d < 0))
            throw new ArgumentOutOfRangeException(nameof(dims), $"negative dimension in {string.Join('x', list)}");
        return new Shape([.. list.Select(d => d ?? UnknownDim)], known: true);
    }

    /// <summary>False only for <see cref="Unknown"/>: the rank itself is unknown.</summary>
    public bool IsKnown { get; } = true;

    /// <summary>True when the rank and every dimension are known.</summary>
    public bool IsComplete => IsKnown && !dims.Contains(UnknownDim);

    /// <summary>The dimensions; throws when one is unknown (see <see cref="OptionalDims"/>).</summary>
    public IReadOnlyList<int> Dims => IsComplete ? dims : throw Incomplete();

    /// <summary>The dimensions, null where unknown.</summary>
    public IReadOnlyList<int?> OptionalDims => dims.Select(d => d == UnknownDim ? null : (int?)d).ToList();

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => dims.Length;

    /// <summary>The size of an axis; throws when it is unknown (see <see cref="Dim"/>).</summary>
    public int this[int axis] => dims[axis] != UnknownDim ? dims[axis] : throw Incomplete();

    /// <summary>The size of an axis, or null when it is unknown.</summary>
    public int? Dim(int axis) => dims[axis] == UnknownDim ? null : dims[axis];

    /// <summary>Number of elements: the product of all dimensions (1 for a scalar).</summary>
    public long Count => CountRange(0, Rank);

    /// <summary>Product of dimensions [start, end).</summary>
    public long CountRange(int start, int end) => CountRangeIfKnown(start, end) ?? throw Incomplete();

    /// <summary>Product of dimensions from <paramref name="start"/> to the last.</summary>
    public long CountFrom(int start) => CountRange(start, Rank);

    /// <summary>The element count, or null when a dimension (or the rank) is unknown.</summary>
    public long? CountIfKnown => IsKnown ? CountRangeIfKnown(0, Rank) : null;

    /// <summary>Product of dimensions from <paramref name="start"/> to the last, or null when one is unknown.</summary>
    public long? CountFromIfKnown(int start) => CountRangeIfKnown(start, Rank);

    /// <summary>Product of dimensions [start, end), or null when one of them is unknown.</summary>
    public long? CountRangeIfKnown(int start, int end)
    {
        if (!IsKnown) throw new InvalidOperationException("the shape is unknown");
        long n = 1;
        for (int i = start; i < end; i++)
        {
            if (dims[i] == UnknownDim) return null;
            n = checked(n * dims[i]);
        }
        return n;
    }

    /// <summary>
    /// True when the shapes can be the same blob: equal ranks, and equal sizes on every axis where
    /// both are known. For complete shapes this is <see cref="Equals(Shape?)"/>.
    /// </summary>
    public bool Matches(Shape other) =>
        IsKnown && other.IsKnown && Rank == other.Rank
        && Enumerable.Range(0, Rank).All(i => Dim(i) is not { } a || other.Dim(i) is not { } b || a == b);

    /// <summary>For shapes that <see cref="Matches"/>: each axis known if either knows it.</summary>
    public Shape Merge(Shape other) =>
        Partial(Enumerable.Range(0, Rank).Select(i => Dim(i) ?? other.Dim(i)));

    /// <summary>
    /// Caffe's CanonicalAxisIndex: a negative axis counts from the end. Returns -1 if the axis is
    /// out of range, so callers can report it with the layer's name.
    /// </summary>
    public int CanonicalAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        return a >= 0 && a < Rank ? a : -1;
    }

    /// <summary>True when both have the same rank and dimensions (unknown ones equal only unknown ones).</summary>
    public bool Equals(Shape? other) => other is not null && IsKnown == other.IsKnown && dims.AsSpan().SequenceEqual(other.dims.AsSpan());

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>
    /// "1x3x224x224"; an unknown dimension prints as "?" ("64x?x28x28"), a scalar (rank 0) as
    /// "scalar", an unknown shape as "?".
    /// </summary>
    public override string ToString() =>
        !IsKnown ? "?" : Rank == 0 ? "scalar" : string.Join('x', dims.Select(d => d == UnknownDim ? "?" : d.ToString()));

    UnknownDimensionException Incomplete() => new($"the shape {this} has unknown dimensions");
}
