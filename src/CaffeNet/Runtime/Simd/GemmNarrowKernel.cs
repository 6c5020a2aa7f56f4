using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// The edge panel of at most <see cref="Cols"/> columns (N = 49 or 196 leaves 1 or 4) for every
/// packed-A layout with at most 8 rows per panel: the roles swap, 256-bit lanes run over the rows
/// of the A panel (8 floats loaded; with fewer rows the rest belong to the next k and are ignored,
/// which the packed A's slack covers) and each column's B value is broadcast. k is split odd/even
/// so that 8 chains hide the FMA latency.
/// </summary>
static unsafe class GemmNarrowKernel
{
    public const int Cols = 4;
    const int V = 8;

    [SkipLocalsInit]
    public static void Run(int mr, int nr, int kc, float* a, float* b, float* c, int ldc, TileEpilogue* e, int rows, int cols)
    {
        if (cols == 1)
        {
            RunOne(mr, nr, kc, a, b, c, ldc, e, rows);
            return;
        }
        Vector256<float> e0 = default, e1 = default, e2 = default, e3 = default;
        Vector256<float> o0 = default, o1 = default, o2 = default, o3 = default;
        int k = 0;
        for (; k + 2 <= kc; k += 2)
        {
            var av = Vector256.Load(a);
            e0 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[0]), e0);
            e1 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[1]), e1);
            e2 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[2]), e2);
            e3 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[3]), e3);
            av = Vector256.Load(a + mr);
            o0 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[nr]), o0);
            o1 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[nr + 1]), o1);
            o2 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[nr + 2]), o2);
            o3 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[nr + 3]), o3);
            a += 2 * mr;
            b += 2 * nr;
        }
        if (k < kc)
        {
            var av = Vector256.Load(a);
            e0 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[0]), e0);
            e1 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[1]), e1);
            e2 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[2]), e2);
            e3 = Vector256.FusedMultiplyAdd(av, Vector256.Create(b[3]), e3);
        }
        float* columns = stackalloc float[Cols * V];
        Vector256.Store(e0 + o0, columns);
        Vector256.Store(e1 + o1, columns + V);
        Vector256.Store(e2 + o2, columns + 2 * V);
        Vector256.Store(e3 + o3, columns + 3 * V);
        float* tile = stackalloc float[V * Cols];
        for (int r = 0; r < rows; r++)
            for (int j = 0; j < cols; j++)
                tile[r * Cols + j] = columns[j * V + r];
        e->StorePartial(tile, Cols, c, ldc, rows, cols);
    }

    /// <summary>
    /// A single column (N = 49 leaves one): one FMA per k rather than four of which three are
    /// thrown away, with k split four ways so that the chains hide the FMA latency.
    /// </summary>
    [SkipLocalsInit]
    static void RunOne(int mr, int nr, int kc, float* a, float* b, float* c, int ldc, TileEpilogue* e, int rows)
    {
        Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
        int k = 0;
        for (; k + 4 <= kc; k += 4)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a), Vector256.Create(b[0]), s0);
            s1 = Vector256.FusedMultiplyAdd(Vector256.Load(a + mr), Vector256.Create(b[nr]), s1);
            s2 = Vector256.FusedMultiplyAdd(Vector256.Load(a + 2 * mr), Vector256.Create(b[2 * nr]), s2);
            s3 = Vector256.FusedMultiplyAdd(Vector256.Load(a + 3 * mr), Vector256.Create(b[3 * nr]), s3);
            a += 4 * mr;
            b += 4 * nr;
        }
        for (; k < kc; k++)
        {
            s0 = Vector256.FusedMultiplyAdd(Vector256.Load(a), Vector256.Create(b[0]), s0);
            a += mr;
            b += nr;
        }
        float* tile = stackalloc float[V];
        Vector256.Store((s0 + s1) + (s2 + s3), tile);
        e->StorePartial(tile, 1, c, ldc, rows, 1);
    }
}
