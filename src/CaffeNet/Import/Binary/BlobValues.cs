namespace CaffeNet.Import.Binary;

/// <summary><paramref name="Count"/> floats of <paramref name="Array"/> from <paramref name="Offset"/>.</summary>
internal readonly record struct BlobValues(float[] Array, int Offset, int Count)
{
    public ReadOnlySpan<float> Span => Array.AsSpan(Offset, Count);
}
