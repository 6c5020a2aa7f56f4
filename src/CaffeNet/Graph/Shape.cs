using System.Collections.Immutable;

namespace CaffeNet.Graph;

/// <summary>
/// The dimensions of a blob, outermost first (N, C, H, W for images). Immutable. Dimensions are
/// ints as in Caffe; <see cref="Count"/> is a long so products can be checked for overflow.
/// </summary>
public sealed class Shape : IEquatable<Shape>
{
    readonly ImmutableArray<int> dims;

    public Shape(params int[] dims) : this(ImmutableArray.Create(dims)) { }

    public Shape(IEnumerable<int> dims) : this(dims.ToImmutableArray()) { }

    Shape(ImmutableArray<int> dims, bool known) : this(dims) => IsKnown = known;

    Shape(ImmutableArray<int> dims)
    {
        foreach (var d in dims)
            if (d < 0)
                throw new ArgumentOutOfRangeException(nameof(dims), $"negative dimension {d}");
        this.dims = dims;
    }

    /// <summary>The shape of an output no rule could infer (an opaque layer's top nobody reads).</summary>
    public static Shape Unknown { get; } = new(ImmutableArray<int>.Empty, known: false);

    public bool IsKnown { get; } = true;

    public IReadOnlyList<int> Dims => dims;

    public int Rank => dims.Length;

    public int this[int axis] => dims[axis];

    /// <summary>Number of elements: the product of all dimensions (1 for a scalar).</summary>
    public long Count => CountRange(0, Rank);

    /// <summary>Product of dimensions [start, end).</summary>
    public long CountRange(int start, int end)
    {
        if (!IsKnown) throw new InvalidOperationException("the shape is unknown");
        long n = 1;
        for (int i = start; i < end; i++)
            n = checked(n * dims[i]);
        return n;
    }

    /// <summary>Product of dimensions from <paramref name="start"/> to the last.</summary>
    public long CountFrom(int start) => CountRange(start, Rank);

    /// <summary>
    /// Caffe's CanonicalAxisIndex: a negative axis counts from the end. Returns -1 if the axis is
    /// out of range, so callers can report it with the layer's name.
    /// </summary>
    public int CanonicalAxis(int axis)
    {
        int a = axis < 0 ? axis + Rank : axis;
        return a >= 0 && a < Rank ? a : -1;
    }

    public bool Equals(Shape? other) => other is not null && IsKnown == other.IsKnown && dims.AsSpan().SequenceEqual(other.dims.AsSpan());

    public override bool Equals(object? obj) => obj is Shape s && Equals(s);

    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in dims) h.Add(d);
        return h.ToHashCode();
    }

    /// <summary>"1x3x224x224"; a scalar (rank 0) prints as "scalar", an unknown shape as "?".</summary>
    public override string ToString() => !IsKnown ? "?" : Rank == 0 ? "scalar" : string.Join('x', dims);
}
