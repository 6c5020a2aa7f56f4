namespace CaffeNet.Runtime;

/// <summary>
/// A float32 tensor: a shape over a contiguous row-major (NCHW) run of floats. The floats live in
/// a buffer that may be the tensor's own array or a slice of a larger arena shared by many
/// tensors, so an executor can plan memory. A Tensor is a view: copying it copies the reference,
/// not the data, and two views may share storage (in-place layers, Reshape, Flatten). Nothing
/// guards the floats: threads that write through views of the same storage must not overlap.
/// </summary>
public readonly struct Tensor
{
    // A float[], or for the length of one run a caller's pinned floats read in place (CallerFloats).
    readonly object _storage;
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
        _storage = buffer;
        _offset = offset;
    }

    /// <summary>A view of all of a caller's pinned floats, valid while they stay pinned.</summary>
    internal Tensor(TensorShape shape, CallerFloats floats)
    {
        if (floats.Length != shape.Count)
            throw new ArgumentException($"{floats.Length} floats for shape {shape} ({shape.Count} elements)", nameof(floats));
        Shape = shape;
        _storage = floats;
        _offset = 0;
    }

    Tensor(TensorShape shape, object storage, int offset)
    {
        Shape = shape;
        _storage = storage;
        _offset = offset;
    }

    /// <summary>A tensor with its own storage holding a copy of <paramref name="values"/>.</summary>
    public static Tensor From(TensorShape shape, ReadOnlySpan<float> values)
    {
        if (values.Length != shape.Count)
            throw new ArgumentException($"{values.Length} values for shape {shape} ({shape.Count} elements)", nameof(values));
        return new Tensor(shape, values.ToArray());
    }

    /// <summary>Its dimensions, outermost first.</summary>
    public TensorShape Shape { get; }

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>The number of floats.</summary>
    public int Count => Shape.Count;

    /// <summary>False only for <c>default(Tensor)</c>, which has no storage.</summary>
    public bool HasStorage => _storage is not null;

    /// <summary>The floats, row-major; writable (a layer writes its outputs through it).</summary>
    public Span<float> Span => _storage is float[] array
        ? array.AsSpan(_offset, Shape.Count)
        : ((CallerFloats)_storage).GetSpan().Slice(_offset, Shape.Count);

    /// <summary>The same floats as <see cref="Span"/>, as memory that can outlive a stack frame.</summary>
    internal Memory<float> Memory => _storage is float[] array
        ? array.AsMemory(_offset, Shape.Count)
        : ((CallerFloats)_storage).Memory.Slice(_offset, Shape.Count);

    /// <summary>Dimension <paramref name="axis"/>; negative counts from the end, as in Caffe.</summary>
    public int Dim(int axis) => Shape[Shape.CanonicalAxis(axis)];

    /// <summary>The same storage seen with another shape of the same element count.</summary>
    public Tensor Reshape(TensorShape shape)
    {
        if (shape.Count != Count)
            throw new ArgumentException($"cannot view {Shape} ({Count} elements) as {shape} ({shape.Count})", nameof(shape));
        return new Tensor(shape, _storage, _offset);
    }

    /// <summary>The first <c>shape.Count</c> floats of this tensor seen with <paramref name="shape"/>.</summary>
    internal Tensor Leading(TensorShape shape)
    {
        if (shape.Count > Count)
            throw new ArgumentException($"{shape} ({shape.Count} elements) is larger than {Shape} ({Count})", nameof(shape));
        return new Tensor(shape, _storage, _offset);
    }

    /// <summary>True when both views start at the same float of the same buffer (an in-place pair).</summary>
    public bool SameStorage(in Tensor other) => ReferenceEquals(_storage, other._storage) && _offset == other._offset;

    /// <summary>A copy of the floats.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>"Tensor 1x3x224x224".</summary>
    public override string ToString() => $"Tensor {Shape}";
}
