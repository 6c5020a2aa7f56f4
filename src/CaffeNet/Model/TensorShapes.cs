using System.Numerics.Tensors;

namespace CaffeNet;

/// <summary>Between <see cref="Shape"/> and the lengths of System.Numerics.Tensors' tensors and spans.</summary>
static class TensorShapes
{
    /// <summary>The lengths of a tensor of <paramref name="shape"/> (a scalar: one value).</summary>
    public static nint[] Lengths(Shape shape) => shape.Rank == 0 ? [1] : [.. shape.Dims.Select(d => (nint)d)];

    /// <summary>True when <paramref name="lengths"/> are exactly <paramref name="shape"/>'s dimensions (a scalar matches [1]).</summary>
    public static bool Match(Shape shape, ReadOnlySpan<nint> lengths)
    {
        if (shape.Rank == 0)
            return lengths.Length == 1 && lengths[0] == 1;
        if (lengths.Length != shape.Rank)
            return false;
        for (int i = 0; i < lengths.Length; i++)
            if (lengths[i] != shape[i])
                return false;
        return true;
    }

    /// <summary>
    /// True when a tensor of <paramref name="lengths"/> with <paramref name="strides"/> holds its
    /// elements one after another in row-major order (a dimension of length 1 may have any stride).
    /// </summary>
    public static bool IsRowMajor(ReadOnlySpan<nint> lengths, ReadOnlySpan<nint> strides)
    {
        nint expected = 1;
        for (int i = lengths.Length - 1; i >= 0; i--)
        {
            if (lengths[i] != 1 && strides[i] != expected)
                return false;
            expected *= lengths[i];
        }
        return true;
    }

    /// <summary>"1x3x224x224", as <see cref="Shape.ToString"/> writes a shape.</summary>
    public static string Format(ReadOnlySpan<nint> lengths)
    {
        if (lengths.Length == 0)
            return "scalar";
        var parts = new string[lengths.Length];
        for (int i = 0; i < lengths.Length; i++)
            parts[i] = lengths[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join('x', parts);
    }
}
