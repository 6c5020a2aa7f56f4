using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// AVX-512 micro-kernel: an 8 x 32 tile of C in 16 zmm accumulators (of 32 registers). Each step over
/// k loads two vectors of the packed B panel and broadcasts 8 values of the packed A panel. Mr = 8
/// divides every channel count of MobileNetV2, so no rows are wasted on padding there.
/// </summary>
static unsafe class GemmKernel512
{
    public const int Mr = 8;
    public const int Nr = 32;

    [SkipLocalsInit]
    public static void Tile(int kc, float* a, float* b, nint ldb, float* c, int ldc, TileEpilogue* e, int rows, int cols)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default;
        Vector512<float> c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default;
        for (int k = 0; k < kc; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            Vector512<float> av;
            av = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(av, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(av, b1, c01);
            av = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(av, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(av, b1, c11);
            av = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(av, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(av, b1, c21);
            av = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(av, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(av, b1, c31);
            av = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(av, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(av, b1, c41);
            av = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(av, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(av, b1, c51);
            av = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(av, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(av, b1, c61);
            av = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(av, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(av, b1, c71);
            a += Mr;
            b += ldb;
        }
        if (rows < Mr || cols < Nr)
        {
            float* tile = stackalloc float[Mr * Nr];
            Vector512.Store(c00, tile + 0); Vector512.Store(c01, tile + 16);
            Vector512.Store(c10, tile + 32); Vector512.Store(c11, tile + 48);
            Vector512.Store(c20, tile + 64); Vector512.Store(c21, tile + 80);
            Vector512.Store(c30, tile + 96); Vector512.Store(c31, tile + 112);
            Vector512.Store(c40, tile + 128); Vector512.Store(c41, tile + 144);
            Vector512.Store(c50, tile + 160); Vector512.Store(c51, tile + 176);
            Vector512.Store(c60, tile + 192); Vector512.Store(c61, tile + 208);
            Vector512.Store(c70, tile + 224); Vector512.Store(c71, tile + 240);
            e->StorePartial(tile, Nr, c, ldc, rows, cols);
            return;
        }
        // The epilogue's fields are read once into locals: the JIT must assume that stores through c
        // may change *e, and would otherwise reload them for every row.
        var lo = Vector512.Create(e->Lo);
        var hi = Vector512.Create(e->Hi);
        bool accumulate = e->Accumulate, final = e->Final;
        float* bias = e->Bias, res = final ? e->Residual : null;
        nint resStride = e->ResidualStride;
        StoreRow(c00, c01, c, bias, res, accumulate, final, lo, hi);
        StoreRow(c10, c11, c + 1 * (nint)ldc, bias == null ? null : bias + 1, res == null ? null : res + 1 * resStride, accumulate, final, lo, hi);
        StoreRow(c20, c21, c + 2 * (nint)ldc, bias == null ? null : bias + 2, res == null ? null : res + 2 * resStride, accumulate, final, lo, hi);
        StoreRow(c30, c31, c + 3 * (nint)ldc, bias == null ? null : bias + 3, res == null ? null : res + 3 * resStride, accumulate, final, lo, hi);
        StoreRow(c40, c41, c + 4 * (nint)ldc, bias == null ? null : bias + 4, res == null ? null : res + 4 * resStride, accumulate, final, lo, hi);
        StoreRow(c50, c51, c + 5 * (nint)ldc, bias == null ? null : bias + 5, res == null ? null : res + 5 * resStride, accumulate, final, lo, hi);
        StoreRow(c60, c61, c + 6 * (nint)ldc, bias == null ? null : bias + 6, res == null ? null : res + 6 * resStride, accumulate, final, lo, hi);
        StoreRow(c70, c71, c + 7 * (nint)ldc, bias == null ? null : bias + 7, res == null ? null : res + 7 * resStride, accumulate, final, lo, hi);
    }

    /// <summary>One row of the tile: + C (accumulate), + bias, then on the final K block + residual and the clamp.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreRow(Vector512<float> v0, Vector512<float> v1, float* row, float* bias, float* res, bool accumulate,
        bool final, Vector512<float> lo, Vector512<float> hi)
    {
        if (accumulate)
        {
            v0 += Vector512.Load(row);
            v1 += Vector512.Load(row + 16);
        }
        if (bias != null)
        {
            var b = Vector512.Create(*bias);
            v0 += b;
            v1 += b;
        }
        if (final)
        {
            if (res != null)
            {
                v0 += Vector512.Load(res);
                v1 += Vector512.Load(res + 16);
            }
            v0 = Vector512.MinNative(Vector512.MaxNative(v0, lo), hi);
            v1 = Vector512.MinNative(Vector512.MaxNative(v1, lo), hi);
        }
        Vector512.Store(v0, row);
        Vector512.Store(v1, row + 16);
    }

    /// <summary>Widest edge panel that <see cref="Narrow"/> takes.</summary>
    public const int NarrowCols = GemmNarrowKernel.Cols;

    /// <summary>An edge panel of at most 4 columns (see <see cref="GemmNarrowKernel"/>).</summary>
    public static void Narrow(int kc, float* a, float* b, float* c, int ldc, TileEpilogue* e, int rows, int cols) =>
        GemmNarrowKernel.Run(Mr, Nr, kc, a, b, c, ldc, e, rows, cols);
}
