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
    /// b[j * ldb + p] when transposed) into ceil(nc / nr) panels of kc x nr, each
    /// <see cref="PanelStride"/> floats apart.
    /// </summary>
    public static void PackB(float* b, int ldb, bool transposed, int p0, int kc, int j0, int nc, int nr, float* dst)
    {
        int stride = PanelStride(kc, nr);
        if (transposed)
        {
            for (int jp = 0; jp < nc; jp += nr)
                PackTransposedPanel(b + (nint)(j0 + jp) * ldb + p0, ldb, kc, Math.Min(nr, nc - jp), nr, dst + (nint)(jp / nr) * stride);
            return;
        }
        // Row by row, so that B is read sequentially: reading it down the panels instead touches one
        // line per row and defeats the prefetchers (2-3x slower when B comes from L3 or memory).
        int full = nc / nr * nr;
        for (int p = 0; p < kc; p++)
        {
            float* s = b + (nint)(p0 + p) * ldb + j0;
            float* d = dst + (nint)p * nr;
            for (int jp = 0; jp < full; jp += nr)
            {
                for (int t = 0; t < nr; t += 4)
                    Vector128.Store(Vector128.Load(s + jp + t), d + t);
                d += stride;
            }
            if (full < nc)
            {
                int t = 0;
                for (; t < nc - full; t++)
                    d[t] = s[full + t];
                for (; t < nr; t++)
                    d[t] = 0f;
            }
        }
    }

    /// <summary>
    /// Floats from one packed B panel to the next: kc x nr, plus one cache line so that the same row
    /// of successive panels does not fall in the same L1 set when kc x nr is a power of two.
    /// </summary>
    public static int PanelStride(int kc, int nr) => kc * nr + 16;

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
