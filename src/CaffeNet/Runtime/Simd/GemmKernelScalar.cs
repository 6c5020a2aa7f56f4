namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Portable micro-kernel for machines without SIMD: a 4 x 4 tile of C in 16 scalar accumulators,
/// plain multiply then add (no fused multiply-add, which may be emulated in software there). The
/// epilogue is the generic element loop, which costs little next to the k loop in scalar code.
/// </summary>
static unsafe class GemmKernelScalar
{
    public const int Mr = 4;
    public const int Nr = 4;

    public static void Tile(int kc, float* a, float* b, nint ldb, float* c, int ldc, TileEpilogue* e, int rows, int cols)
    {
        float* acc = stackalloc float[Mr * Nr];
        for (int i = 0; i < Mr * Nr; i++)
            acc[i] = 0f;
        for (int k = 0; k < kc; k++)
        {
            for (int r = 0; r < Mr; r++)
            {
                float av = a[r];
                float* row = acc + r * Nr;
                row[0] += av * b[0];
                row[1] += av * b[1];
                row[2] += av * b[2];
                row[3] += av * b[3];
            }
            a += Mr;
            b += ldb;
        }
        e->StorePartial(acc, Nr, c, ldc, rows, cols);
    }
}
