using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Copies operands into the layouts the micro-kernels stream through. A (M x K) goes to panels of
/// Mr rows, each K x Mr with the Mr values of one k adjacent; B (K x N) goes to panels of Nr columns,
/// each kc x Nr. Panels past the matrix edge are padded with zeros, so kernels never test bounds.
/// </summary>
static unsafe class GemmPacking
{
    /// <summary>Floats a packed A of m x k takes.</summary>
    public static long PackedASize(int m, int k, int mr) => (long)CeilDiv(m, mr) * mr * k;

    /// <summary>Packs A (element (i, p) at a[i * lda + p], or at a[p * lda + i] when transposed).</summary>
    public static void PackA(float* a, int lda, bool transposed, int m, int k, int mr, float* dst)
    {
        for (int i0 = 0; i0 < m; i0 += mr)
        {
            int rows = Math.Min(mr, m - i0);
            for (int p = 0; p < k; p++)
            {
                float* d = dst + (nint)p * mr;
                for (int r = 0; r < rows; r++)
                    d[r] = transposed ? a[(nint)p * lda + i0 + r] : a[(nint)(i0 + r) * lda + p];
                for (int r = rows; r < mr; r++)
                    d[r] = 0f;
            }
            dst += (nint)k * mr;
        }
    }

    /// <summary>
    /// Packs rows [p0, p0 + kc) and columns [j0, j0 + nc) of B (element (p, j) at b[p * ldb + j], or at
    /// b[j * ldb + p] when transposed) into ceil(nc / nr) panels of kc x nr.
    /// </summary>
    public static void PackB(float* b, int ldb, bool transposed, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        for (int jp = 0; jp < nc; jp += nr)
        {
            int cols = Math.Min(nr, nc - jp);
            if (transposed)
                PackTransposedPanel(b + (nint)(j0 + jp) * ldb + p0, ldb, kc, cols, nr, dst);
            else if (cols == nr)
                PackFullPanel(b + (nint)p0 * ldb + j0 + jp, ldb, kc, nr, dst);
            else
                PackPartialPanel(b + (nint)p0 * ldb + j0 + jp, ldb, kc, cols, nr, dst);
            dst += (nint)kc * nr;
        }
    }

    static void PackFullPanel(float* src, int ldb, int kc, int nr, float* dst)
    {
        // Copied as 16-byte vectors: every path's nr is a multiple of 4, and SSE exists on any x64.
        for (int p = 0; p < kc; p++)
        {
            float* s = src + (nint)p * ldb;
            for (int t = 0; t < nr; t += 4)
                Vector128.Store(Vector128.Load(s + t), dst + t);
            dst += nr;
        }
    }

    static void PackPartialPanel(float* src, int ldb, int kc, int cols, int nr, float* dst)
    {
        for (int p = 0; p < kc; p++)
        {
            float* s = src + (nint)p * ldb;
            int t = 0;
            for (; t < cols; t++)
                dst[t] = s[t];
            for (; t < nr; t++)
                dst[t] = 0f;
            dst += nr;
        }
    }

    static void PackTransposedPanel(float* src, int ldb, int kc, int cols, int nr, float* dst)
    {
        for (int t = 0; t < nr; t++)
        {
            float* s = src + (nint)t * ldb;
            for (int p = 0; p < kc; p++)
                dst[(nint)p * nr + t] = t < cols ? s[p] : 0f;
        }
    }

    public static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
