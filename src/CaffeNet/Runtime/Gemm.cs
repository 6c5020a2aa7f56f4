using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime;

/// <summary>
/// Reference single-precision matrix product over packed row-major matrices:
/// C[m,n] (+)= op(A)[m,k] · op(B)[k,n]. Plain loops in a cache-friendly order, no SIMD: the
/// baseline that fast paths are tested against.
/// </summary>
public static class Gemm
{
    // A 64 x 256 block of B is 64 KB: it stays in L2 while a band of rows of A sweeps over it.
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
        if (!accumulate)
            c[..(m * n)].Clear();
        if (transposeB)
            MultiplyNT(m, n, k, a, b, c);
        else if (transposeA)
            MultiplyTN(m, n, k, a, b, c);
        else
            MultiplyNN(m, n, k, a, b, c);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyNN(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        for (int j0 = 0; j0 < n; j0 += NBlock)
        {
            int jn = Math.Min(NBlock, n - j0);
            for (int p0 = 0; p0 < k; p0 += KBlock)
            {
                int pEnd = Math.Min(p0 + KBlock, k);
                for (int i = 0; i < m; i++)
                {
                    var cRow = c.Slice(i * n + j0, jn);
                    for (int p = p0; p < pEnd; p++)
                    {
                        float aip = a[i * k + p];
                        var bRow = b.Slice(p * n + j0, jn);
                        for (int j = 0; j < jn; j++)
                            cRow[j] += aip * bRow[j];
                    }
                }
            }
        }
    }

    // A is stored k×m: walk it row by row so every access stays contiguous.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyTN(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        for (int j0 = 0; j0 < n; j0 += NBlock)
        {
            int jn = Math.Min(NBlock, n - j0);
            for (int p = 0; p < k; p++)
            {
                var bRow = b.Slice(p * n + j0, jn);
                for (int i = 0; i < m; i++)
                {
                    float api = a[p * m + i];
                    var cRow = c.Slice(i * n + j0, jn);
                    for (int j = 0; j < jn; j++)
                        cRow[j] += api * bRow[j];
                }
            }
        }
    }

    // B is stored n×k: each C element is a dot product of two contiguous rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void MultiplyNT(int m, int n, int k, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c)
    {
        for (int i = 0; i < m; i++)
        {
            var aRow = a.Slice(i * k, k);
            for (int j = 0; j < n; j++)
            {
                var bRow = b.Slice(j * k, k);
                float sum = 0;
                for (int p = 0; p < k; p++)
                    sum += aRow[p] * bRow[p];
                c[i * n + j] += sum;
            }
        }
    }
}
