namespace CaffeNet.Runtime;

/// <summary>
/// Floats that start on a 64-byte boundary, in a pinned array (the pinned heap never moves it): a
/// kernel's 512-bit loads of a block then never straddle two cache lines, which costs Intel cores
/// a second access per load.
/// </summary>
internal sealed unsafe class AlignedFloats
{
    const int LineFloats = 16;
    readonly float[] _array;
    readonly int _start;

    public AlignedFloats(int length)
    {
        _array = GC.AllocateArray<float>(checked((int)Allocated(length)), pinned: true);
        fixed (float* p = _array)
            _start = (int)((64 - (nuint)p % 64) % 64 / sizeof(float));
        Length = length;
    }

    /// <summary>No floats: what a layer holds where it keeps none.</summary>
    public static AlignedFloats Empty { get; } = new(0);

    public int Length { get; }

    /// <summary>The floats an instance of <paramref name="length"/> allocates: room to move its start to a line.</summary>
    public static long Allocated(long length) => length + LineFloats - 1;

    public Span<float> Span => _array.AsSpan(_start, Length);

    public static implicit operator ReadOnlySpan<float>(AlignedFloats floats) => floats.Span;
}
