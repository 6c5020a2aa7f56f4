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
        _array = GC.AllocateArray<float>(length + LineFloats - 1, pinned: true);
        fixed (float* p = _array)
            _start = (int)((64 - (nint)p % 64) % 64 / sizeof(float));
        Length = length;
    }

    public int Length { get; }

    public Span<float> Span => _array.AsSpan(_start, Length);

    public static implicit operator ReadOnlySpan<float>(AlignedFloats floats) => floats.Span;
}
