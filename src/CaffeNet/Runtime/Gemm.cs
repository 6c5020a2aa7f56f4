using System.Buffers;
using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime;

/// <summary>
/// Reference single-precision matrix product over packed row-major matrices:
/// C[m,n] (+)= op(A)[m,k] · op(B)[k,n]. Plain loops in a cache-friendly order, no SIMD, sums
/// kept in double: the baseline that fast paths are tested against.
/// </summary>
internal static class Gemm
{
    const int KBlock = 64;
    const int NBlock = 256;

    /// <summary>
    /// <paramref name="a"/> is m×k, or k×m when <paramref name="transposeA"/>; <paramref name="b"/>
    /// is k×n, or n×k when <paramref name="transposeB"/>. With <paramref name="accumulate"/> the
    /// product is added to <paramref name="c"/>, otherwise it replaces it. Both transposed is not
    /// needed by any layer and is refused.
    /// </summary>
    public static void Multiply(int m, int n, int k,
        ReadOnlySpan<float> a, bool transposeA,
        ReadOnlySpan<float> b, bool transposeB,
        Span<float> c, bool accumulate = false)
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"negative size {m}x{n}x{k}");
        if (a.Length < m * k || b.Length < k * n || c.Length < m * n)
            throw new ArgumentException($"spans too short for a {m}x{k} by {k}x{n} product");
        if (transposeA && transposeB)
            throw new NotSupportedException("Gemm with both operands transposed");
        if (transposeB)
            MultiplyNT(m, n, k, a, b, c, accumulate);
        else
            MultiplyBlocked(m, n, k, a, transposeA, b, c, accumulate);
    }

    /// <summary>The doubles of the tile a product of these sizes rents (none when B is transposed).</summary>
    internal static long TileDoubles(int m, int n, bool transposeB) => transposeB ? 0 : (long)m * Math.Min(n, NBlock);

    /// <summary>
    /// NN and TN: C in column blocks, each summed in a double tile over the whole of k and rounded
    /// once, so the reference is closer to the exact product than a float kernel (and can judge one).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyBlocked(int m, int n, int k, ReadOnlySpan<float> a, bool transposeA, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        var rented = ArrayPool<double>.Shared.Rent((int)Math.Max(1, TileDoubles(m, n, transposeB: false)));
        try
        {
            for (int j0 = 0; j0 < n; j0 += NBlock)
            {
                int jn = Math.Min(NBlock, n - j0);
                var tile = rented.AsSpan(0, m * jn);
                for (int i = 0; i < m; i++)
                {
                    var row = tile.Slice(i * jn, jn);
                    if (accumulate)
                    {
                        var cRow = c.Slice(i * n + j0, jn);
                        for (int j = 0; j < jn; j++)
                            row[j] = cRow[j];
                    }
                    else
                        row.Clear();
                }
                for (int p0 = 0; p0 < k; p0 += KBlock)
                {
                    int pEnd = Math.Min(p0 + KBlock, k);
                    // A 64 x 256 block of B stays in L2 while every row of the tile sweeps over it.
                    for (int i = 0; i < m; i++)
                    {
                        var row = tile.Slice(i * jn, jn);
                        for (int p = p0; p < pEnd; p++)
                        {
                            double aip = transposeA ? a[p * m + i] : a[i * k + p];
                            var bRow = b.Slice(p * n + j0, jn);
                            for (int j = 0; j < jn; j++)
                                row[j] += aip * bRow[j];
                        }
                    }
                }
                for (int i = 0; i < m; i++)
                {
                    var row = tile.Slice(i * jn, jn);
                    var cRow = c.Slice(i * n + j0, jn);
                    for (int j = 0; j < jn; j++)
                        cRow[j] = (float)row[j];
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    // B is stored n×k: each C element is a dot product of two contiguous rows, summed in double.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyNT(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, bool accumulate)
    {
        for (int i = 0; i < m; i++)
        {
            var aRow = a.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                var bRow = b.Slice(j * k, k);
                double sum = accumulate ? c[i * n + j] : 0;
                for (int p = 0; p < k; p++)
                    sum += (double)aRow[p] * bRow[p];
                c[i * n + j] = (float)sum;
            }
        }
    }
}
