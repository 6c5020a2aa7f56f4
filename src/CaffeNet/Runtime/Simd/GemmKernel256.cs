using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// AVX2 + FMA micro-kernel: a 6 x 16 tile of C in 12 ymm accumulators. Each step over k loads two
/// vectors of the packed B panel and broadcasts 6 values of the packed A panel: 12 FMAs for 8 loads,
/// which keeps both FMA pipes busy (4-cycle latency x 2 pipes needs at least 8 chains in flight) and
/// uses 15 of the 16 ymm registers.
/// </summary>
static unsafe class GemmKernel256
{
    public const int Mr = 6;
    public const int Nr = 16;

    [SkipLocalsInit]
    public static void Tile(int kc, float* a, float* b, nint ldb, float* c, int ldc, TileEpilogue* e, int rows, int cols)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]);
            c00 = Vector256.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector256.FusedMultiplyAdd(av, b1, c01);
            av = Vector256.Create(a[1]);
            c10 = Vector256.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector256.FusedMultiplyAdd(av, b1, c11);
            av = Vector256.Create(a[2]);
            c20 = Vector256.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector256.FusedMultiplyAdd(av, b1, c21);
            av = Vector256.Create(a[3]);
            c30 = Vector256.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector256.FusedMultiplyAdd(av, b1, c31);
            av = Vector256.Create(a[4]);
            c40 = Vector256.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector256.FusedMultiplyAdd(av, b1, c41);
            av = Vector256.Create(a[5]);
            c50 = Vector256.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector256.FusedMultiplyAdd(av, b1, c51);
            a += Mr;
            b += ldb;
        }
        if (rows < Mr || cols < Nr)
        {
            float* tile = stackalloc float[Mr * Nr];
            Vector256.Store(c00, tile); Vector256.Store(c01, tile + 8);
            Vector256.Store(c10, tile + 16); Vector256.Store(c11, tile + 24);
            Vector256.Store(c20, tile + 32); Vector256.Store(c21, tile + 40);
            Vector256.Store(c30, tile + 48); Vector256.Store(c31, tile + 56);
            Vector256.Store(c40, tile + 64); Vector256.Store(c41, tile + 72);
            Vector256.Store(c50, tile + 80); Vector256.Store(c51, tile + 88);
            e->StorePartial(tile, Nr, c, ldc, rows, cols);
            return;
        }
        // The epilogue's fields are read once into locals: the JIT must assume that stores through c
        // may change *e, and would otherwise reload them for every row.
        var lo = Vector256.Create(e->Lo);
        var hi = Vector256.Create(e->Hi);
        bool accumulate = e->Accumulate, final = e->Final;
        float* bias = e->Bias, res = final ? e->Residual : null;
        nint resStride = e->ResidualStride;
        StoreRow(c00, c01, c, bias, res, accumulate, final, lo, hi);
        StoreRow(c10, c11, c + ldc, bias == null ? null : bias + 1, res == null ? null : res + resStride, accumulate, final, lo, hi);
        StoreRow(c20, c21, c + 2 * (nint)ldc, bias == null ? null : bias + 2, res == null ? null : res + 2 * resStride, accumulate, final, lo, hi);
        StoreRow(c30, c31, c + 3 * (nint)ldc, bias == null ? null : bias + 3, res == null ? null : res + 3 * resStride, accumulate, final, lo, hi);
        StoreRow(c40, c41, c + 4 * (nint)ldc, bias == null ? null : bias + 4, res == null ? null : res + 4 * resStride, accumulate, final, lo, hi);
        StoreRow(c50, c51, c + 5 * (nint)ldc, bias == null ? null : bias + 5, res == null ? null : res + 5 * resStride, accumulate, final, lo, hi);
    }

    /// <summary>One row of the tile: + C (accumulate), + bias, then on the final K block + residual and the clamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow(Vector256<float> v0, Vector256<float> v1, float* row, float* bias, float* res, bool accumulate,
        bool final, Vector256<float> lo, Vector256<float> hi)
    {
        if (accumulate)
        {
            v0 += Vector256.Load(row);
            v1 += Vector256.Load(row + 8);
        }
        if (bias != null)
        {
            var b = Vector256.Create(*bias);
            v0 += b;
            v1 += b;
        }
        if (final)
        {
            if (res != null)
            {
                v0 += Vector256.Load(res);
                v1 += Vector256.Load(res + 8);
            }
            v0 = Vector256.MinNative(Vector256.MaxNative(v0, lo), hi);
            v1 = Vector256.MinNative(Vector256.MaxNative(v1, lo), hi);
        }
        Vector256.Store(v0, row);
        Vector256.Store(v1, row + 8);
    }

    /// <summary>Widest edge panel that <see cref="Narrow"/> takes.</summary>
    public const int NarrowCols = GemmNarrowKernel.Cols;

    /// <summary>An edge panel of at most 4 columns (see <see cref="GemmNarrowKernel"/>).</summary>
    public static void Narrow(int kc, float* a, float* b, float* c, int ldc, TileEpilogue* e, int rows, int cols) =>
        GemmNarrowKernel.Run(Mr, Nr, kc, a, b, c, ldc, e, rows, cols);
}
