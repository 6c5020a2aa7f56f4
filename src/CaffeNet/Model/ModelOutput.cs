using System.Numerics.Tensors;
using CaffeNet.Runtime;
using Tensor = CaffeNet.Runtime.Tensor;

namespace CaffeNet;

/// <summary>
/// An output or kept blob of one run, read in place from the run's memory: valid until its
/// <see cref="RunResult"/> is disposed, after which reading it throws ObjectDisposedException.
/// </summary>
public sealed class ModelOutput
{
    readonly RunResult _owner;
    readonly Tensor _tensor;

    internal ModelOutput(RunResult owner, string name, Shape shape, Tensor tensor)
    {
        _owner = owner;
        Name = name;
        Shape = shape;
        _tensor = tensor;
    }

    /// <summary>The blob's name.</summary>
    public string Name { get; }

    /// <summary>Its dimensions, outermost first.</summary>
    public Shape Shape { get; }

    /// <summary>The number of floats (the product of the dimensions).</summary>
    public int Count => _tensor.Count;

    /// <summary>The values, row-major (NCHW).</summary>
    public ReadOnlySpan<float> Span
    {
        get
        {
            _owner.ThrowIfDisposed();
            return _tensor.Span;
        }
    }

    /// <summary>The values as memory, for code that cannot take a span; valid as long as <see cref="Span"/> is.</summary>
    public ReadOnlyMemory<float> Memory
    {
        get
        {
            _owner.ThrowIfDisposed();
            return _tensor.Memory;
        }
    }

    /// <summary>A copy of the values that stays valid after the run is disposed.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>
    /// The values as a tensor span of <see cref="Shape"/> (a scalar as one value), in place: no copy,
    /// valid as long as <see cref="Span"/> is.
    /// </summary>
    public ReadOnlyTensorSpan<float> AsReadOnlyTensorSpan() => new(Span, TensorShapes.Lengths(Shape));

    /// <summary>A copy of the values as a <see cref="Tensor{T}"/> of <see cref="Shape"/>, which stays valid after the run is disposed.</summary>
    public Tensor<float> ToTensor() => System.Numerics.Tensors.Tensor.Create(ToArray(), TensorShapes.Lengths(Shape));

    /// <summary>
    /// Copies the values into <paramref name="destination"/>, the caller's tensor span of exactly
    /// <see cref="Shape"/>, with any strides (a slice of a larger tensor is written in place).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has another shape.</exception>
    public void CopyTo(in TensorSpan<float> destination)
    {
        if (!TensorShapes.Match(Shape, destination.Lengths))
            throw new ArgumentException($"the tensor for {Excerpt.Name(Name)} is {TensorShapes.Format(destination.Lengths)}; the blob is {Shape}", nameof(destination));
        AsReadOnlyTensorSpan().CopyTo(destination);
    }

    /// <summary>The floats of image <paramref name="image"/> (index along the first axis).</summary>
    public ReadOnlySpan<float> Image(int image)
    {
        int batch = Shape.Rank == 0 ? 1 : Shape[0];
        ArgumentOutOfRangeException.ThrowIfNegative(image);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(image, batch);
        int per = Count / Math.Max(batch, 1);
        return Span.Slice(image * per, per);
    }

    /// <summary>The position of the largest value of image <paramref name="image"/> (the first on ties).</summary>
    public int ArgMax(int image = 0)
    {
        var values = Image(image);
        int best = 0;
        for (int i = 1; i < values.Length; i++)
            if (values[i] > values[best])
                best = i;
        return best;
    }

    /// <summary>
    /// The <paramref name="k"/> largest values of image <paramref name="image"/> with their positions,
    /// largest first (equal values in position order), as a classifier's top-k.
    /// </summary>
    public IReadOnlyList<ClassScore> TopK(int k, int image = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        var values = Image(image);
        var best = new List<ClassScore>(Math.Min(k, values.Length) + 1);
        for (int i = 0; i < values.Length; i++)
        {
            if (best.Count == k && (k == 0 || values[i] <= best[^1].Score))
                continue;
            int at = best.Count;
            while (at > 0 && best[at - 1].Score < values[i])
                at--;
            best.Insert(at, new ClassScore(i, values[i]));
            if (best.Count > k)
                best.RemoveAt(k);
        }
        return best;
    }

    /// <summary>
    /// The detections of a DetectionOutput top (SSD's fork: rows of image, label, score and box
    /// corners), in its order; an empty list when nothing was found.
    /// </summary>
    public IReadOnlyList<Detection> Detections()
    {
        _owner.ThrowIfDisposed();
        return Detection.Read(_tensor);
    }

    /// <summary>"loss 1x1000x1x1".</summary>
    public override string ToString() => $"{Name} {Shape}";
}
