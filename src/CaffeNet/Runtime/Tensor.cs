namespace CaffeNet.Runtime;

/// <summary>
/// A float32 tensor: a shape over a contiguous row-major (NCHW) run of floats. The floats live in
/// a buffer that may be the tensor's own array or a slice of a larger arena shared by many
/// tensors, so an executor can plan memory. A Tensor is a view: copying it copies the reference,
/// not the data, and two views may share storage (in-place layers, Reshape, Flatten).
/// </summary>
public readonly struct Tensor
{
    readonly float[] _buffer;
    readonly int _offset;

    /// <summary>A new zero-filled tensor with its own storage.</summary>
    public Tensor(TensorShape shape) : this(shape, new float[shape.Count], 0) { }

    /// <summary>A view of <c>shape.Count</c> floats of <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
    public Tensor(TensorShape shape, float[] buffer, int offset = 0)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (offset < 0 || offset > buffer.Length - shape.Count)
            throw new ArgumentOutOfRangeException(nameof(offset),
                $"{shape} ({shape.Count} floats) at offset {offset} does not fit a buffer of {buffer.Length}");
        Shape = shape;
        _buffer = buffer;
        _offset = offset;
    }

    /// <summary>A tensor with its own storage holding a copy of <paramref name="values"/>.</summary>
    public static Tensor From(TensorShape shape, ReadOnlySpan<float> values)
    {
        if (values.Length != shape.Count)
            throw new ArgumentException($"{values.Length} values for shape {shape} ({shape.Count} elements)", nameof(values));
        return new Tensor(shape, values.ToArray());
    }

    public TensorShape Shape { get; }

    public int Rank => Shape.Rank;

    public int Count => Shape.Count;

    /// <summary>False only for <c>default(Tensor)</c>, which has no storage.</summary>
    public bool HasStorage => _buffer is not null;

    public Span<float> Span => _buffer.AsSpan(_offset, Shape.Count);

    /// <summary>Dimension <paramref name="axis"/>; negative counts from the end, as in Caffe.</summary>
    public int Dim(int axis) => Shape[Shape.CanonicalAxis(axis)];

    /// <summary>The same storage seen with another shape of the same element count.</summary>
    public Tensor Reshape(TensorShape shape)
    {
        if (shape.Count != Count)
            throw new ArgumentException($"cannot view {Shape} ({Count} elements) as {shape} ({shape.Count})", nameof(shape));
        return new Tensor(shape, _buffer, _offset);
    }

    /// <summary>The first <c>shape.Count</c> floats of this tensor seen with <paramref name="shape"/>.</summary>
    internal Tensor Leading(TensorShape shape)
    {
        if (shape.Count > Count)
            throw new ArgumentException($"{shape} ({shape.Count} elements) is larger than {Shape} ({Count})", nameof(shape));
        return new Tensor(shape, _buffer, _offset);
    }

    /// <summary>True when both views start at the same float of the same buffer (an in-place pair).</summary>
    public bool SameStorage(in Tensor other) => ReferenceEquals(_buffer, other._buffer) && _offset == other._offset;

    public float[] ToArray() => Span.ToArray();

    public override string ToString() => $"Tensor {Shape}";
}
