using System.Collections;
using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime;

/// <summary>
/// The dimensions of a tensor, outermost first (N, C, H, W for images). Immutable. Rank 0 is a
/// scalar with one element, as Caffe's loss and accuracy outputs are. The element count always
/// fits an int: Caffe's own limit, and what spans can address.
/// </summary>
[CollectionBuilder(typeof(TensorShape), nameof(Create))]
public readonly struct TensorShape : IEquatable<TensorShape>, IEnumerable<int>
{
    readonly int[]? _dims;
    readonly int _count;

    /// <summary>A shape of the given dimensions; a negative one, or more than int.MaxValue elements, is a CaffeNetException.</summary>
    public TensorShape(params ReadOnlySpan<int> dims)
    {
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0)
                throw new CaffeNetException($"shape {Format(dims)} has a negative dimension");
            count *= d;
            if (count > int.MaxValue)
                throw new CaffeNetException($"shape {Format(dims)} has more than {int.MaxValue} elements");
        }
        _dims = dims.ToArray();
        _count = (int)count;
    }

    /// <summary>As the constructor; lets a collection expression (<c>[1, 3, 224, 224]</c>) make a shape.</summary>
    public static TensorShape Create(ReadOnlySpan<int> dims) => new(dims);

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>The number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Count => _dims is null ? 1 : _count;

    /// <summary>The size of axis <paramref name="axis"/> (0 is the outermost).</summary>
    public int this[int axis] => _dims![axis];

    /// <summary>The dimensions, outermost first.</summary>
    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>Caffe's CanonicalAxisIndex: -1 is the last axis; anything outside [-rank, rank) is an error.</summary>
    public int CanonicalAxis(int axis)
    {
        if (axis < -Rank || axis >= Rank)
            throw new CaffeNetException($"axis {axis} is out of range for shape {this} (rank {Rank})");
        return axis < 0 ? axis + Rank : axis;
    }

    /// <summary>The product of dimensions [start, end).</summary>
    public int CountRange(int start, int end)
    {
        if (start < 0 || end > Rank || start > end)
            throw new ArgumentOutOfRangeException(nameof(start), $"axes [{start}, {end}) of shape {this}");
        int count = 1;
        for (int i = start; i < end; i++)
            count *= _dims![i];
        return count;
    }

    /// <summary>The product of dimensions from <paramref name="start"/> to the last.</summary>
    public int CountFrom(int start) => CountRange(start, Rank);

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => _dims is null ? [] : (int[])_dims.Clone();

    /// <summary>True when both have the same dimensions.</summary>
    public bool Equals(TensorShape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorShape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var d in Dims)
            hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>True when both have the same dimensions.</summary>
    public static bool operator ==(TensorShape a, TensorShape b) => a.Equals(b);

    /// <summary>True when the dimensions differ.</summary>
    public static bool operator !=(TensorShape a, TensorShape b) => !a.Equals(b);

    /// <summary>`1x3x224x224`; a scalar is `()`.</summary>
    public override string ToString() => Format(Dims);

    /// <summary>The dimensions, outermost first.</summary>
    public IEnumerator<int> GetEnumerator() => ((IEnumerable<int>)(_dims ?? [])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    static string Format(ReadOnlySpan<int> dims) => dims.Length == 0 ? "()" : string.Join("x", dims.ToArray());
}
