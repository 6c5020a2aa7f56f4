namespace CaffeNet.Runtime.Simd;

/// <summary>
/// What a GEMM micro-kernel does with its accumulators when it stores one tile of C:
/// C = (Accumulate ? C : 0) + acc + Bias[row]; then, on the last K block, C = clamp(C + Residual, Lo, Hi).
/// Pointers are already offset to the tile; null means absent.
/// </summary>
unsafe struct TileEpilogue
{
    public float* Bias;
    public float* Residual;
    public int ResidualStride;
    public float Lo;
    public float Hi;
    public bool Accumulate;
    public bool Final;
}
