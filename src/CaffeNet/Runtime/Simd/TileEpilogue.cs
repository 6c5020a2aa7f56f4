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

    /// <summary>
    /// Stores the valid rows x cols part of a tile of accumulators (row stride tileStride): the path
    /// for edge tiles and the scalar kernel; full vector tiles have their own unrolled store.
    /// </summary>
    public readonly void StorePartial(float* tile, int tileStride, float* c, int ldc, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            float* row = c + (nint)r * ldc;
            float* acc = tile + (nint)r * tileStride;
            float* res = Residual != null ? Residual + (nint)r * ResidualStride : null;
            for (int j = 0; j < cols; j++)
            {
                float v = acc[j];
                if (Accumulate)
                    v += row[j];
                if (Bias != null)
                    v += Bias[r];
                if (Final)
                {
                    if (res != null)
                        v += res[j];
                    v = MathF.Min(MathF.Max(v, Lo), Hi);
                }
                row[j] = v;
            }
        }
    }
}
