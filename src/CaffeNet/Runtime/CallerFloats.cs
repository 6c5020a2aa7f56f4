using System.Buffers;

namespace CaffeNet.Runtime;

/// <summary>
/// A caller's floats, pinned by the caller, seen as memory a <see cref="Tensor"/> can hold: how an
/// input is read in place for one run instead of being copied into the arena. One instance per input
/// of a <see cref="RunContext"/>, pointed at new floats for each run; the pointer is valid only
/// while the caller keeps them pinned.
/// </summary>
internal sealed unsafe class CallerFloats : MemoryManager<float>
{
    float* _floats;

    public int Length { get; private set; }

    public void Point(float* floats, int length)
    {
        _floats = floats;
        Length = length;
    }

    public override Span<float> GetSpan() => new(_floats, Length);

    // Already pinned by the caller for the run, so pinning again is just the address.
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(elementIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(elementIndex, Length);
        return new MemoryHandle(_floats + elementIndex);
    }

    public override void Unpin() { }

    protected override void Dispose(bool disposing) { }
}
