using System.Runtime.CompilerServices;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Single-precision GEMM, C[M x N] = A[M x K] * B[K x N], row-major with leading dimensions, with a
/// fused epilogue: + bias[row], + residual (same shape as C), then clamp (ReLU, ReLU6, ...).
/// A 1x1 convolution in NCHW is A = weights [Cout x Cin], B = input [Cin x H*W], C = output.
///
/// Blocking: A is packed once for all K, panel by panel (Mr rows each). Where B has at least 128
/// columns and is not transposed, whole Nr-column strips of it are read in place, a group of strips
/// (16 KB) at a time under every A panel. Otherwise, and for a ragged last strip, B is packed per
/// thread in blocks of kc x nc (kc &lt;= 256 rows, at most 256 KB, half the 512 KB L2 of this Zen 3);
/// the kernel sweeps one kc x Mr panel of A (6 KB at most, in L1) across the block, then the next.
/// </summary>
internal static unsafe class Sgemm
{
    const int KcMax = 256;
    const int PackedBFloats = 64 * 1024;
    const int DirectMinColumns = 128;
    const int GroupBytes = 16 * 1024;

    /// <summary>A path's micro-kernels: the Mr x Nr tile, and one for edge panels of at most NarrowCols columns.
    /// The tile kernel reads B rows ldb floats apart: Nr in a packed panel, or B's own row stride when
    /// it reads B in place.</summary>
    internal readonly struct KernelInfo(int mr, int nr, delegate*<int, float*, float*, nint, float*, int, TileEpilogue*, int, int, void> tile,
        int narrowCols = 0, delegate*<int, float*, float*, float*, int, TileEpilogue*, int, int, void> narrow = null)
    {
        public readonly int Mr = mr;
        public readonly int Nr = nr;
        public readonly delegate*<int, float*, float*, nint, float*, int, TileEpilogue*, int, int, void> Tile = tile;
        public readonly int NarrowCols = narrowCols;
        public readonly delegate*<int, float*, float*, float*, int, TileEpilogue*, int, int, void> Narrow = narrow;
    }

    internal static KernelInfo Kernel(SimdPath path) => path switch
    {
        SimdPath.Vector512 => new(GemmKernel512.Mr, GemmKernel512.Nr, &GemmKernel512.Tile, GemmKernel512.NarrowCols, &GemmKernel512.Narrow),
        SimdPath.Vector256 => new(GemmKernel256.Mr, GemmKernel256.Nr, &GemmKernel256.Tile, GemmKernel256.NarrowCols, &GemmKernel256.Narrow),
        _ => new(GemmKernelScalar.Mr, GemmKernelScalar.Nr, &GemmKernelScalar.Tile),
    };

    /// <summary>
    /// Floats a packed A needs: its panels, plus slack for the narrow kernels, which load a whole
    /// vector at the last k of a panel.
    /// </summary>
    internal static long PackedASize(int m, int k, int mr) => GemmPacking.PackedASize(m, k, mr) + 16;

    /// <summary>
    /// C = activation(A * B + bias + residual), A prepacked. B has element (p, j) at b[p * ldb + j], or
    /// at b[j * ldb + p] when <paramref name="transposeB"/> (an InnerProduct's batch of input rows).
    /// <paramref name="bias"/> (M values) and <paramref name="residual"/> (M x N, stride
    /// <paramref name="residualStride"/>) may be empty; neither B nor residual may overlap C.
    /// With a <paramref name="pool"/>, column or row blocks run on its threads; results are bitwise
    /// the same for any thread count. A <paramref name="batch"/> repeats the product over several
    /// B, C (and residual) matrices with one A, as one parallel loop: a 1x1 convolution of a batch.
    /// </summary>
    public static void Multiply(PackedMatrix a, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, int n,
        ReadOnlySpan<float> bias = default, ReadOnlySpan<float> residual = default, int residualStride = 0,
        Activation activation = default, bool transposeB = false, WorkerPool? pool = null, GemmBatch batch = default)
    {
        ArgumentNullException.ThrowIfNull(a);
        batch = batch.OrSingle;
        Check(a.Rows, n, a.Columns, b, ldb, transposeB, c, ldc, bias, residual, residualStride, batch);
        fixed (float* pa = a.Data)
            Run(Kernel(a.Path), pa, a.Rows, n, a.Columns, b, ldb, transposeB, c, ldc, bias, residual, residualStride, activation, pool, batch);
    }

    /// <summary>
    /// The same with A unpacked (element (i, p) at a[i * lda + p]): A is packed into per-thread scratch
    /// at every call, so prefer <see cref="PackedMatrix"/> for weights.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> a, int lda, int m, int k, ReadOnlySpan<float> b, int ldb,
        Span<float> c, int ldc, int n, ReadOnlySpan<float> bias = default, ReadOnlySpan<float> residual = default,
        int residualStride = 0, Activation activation = default, bool transposeB = false, WorkerPool? pool = null) =>
        Multiply(SimdPaths.Best, a, lda, m, k, b, ldb, c, ldc, n, bias, residual, residualStride, activation, transposeB, pool);

    internal static void Multiply(SimdPath path, ReadOnlySpan<float> a, int lda, int m, int k, ReadOnlySpan<float> b,
        int ldb, Span<float> c, int ldc, int n, ReadOnlySpan<float> bias = default, ReadOnlySpan<float> residual = default,
        int residualStride = 0, Activation activation = default, bool transposeB = false, WorkerPool? pool = null)
    {
        Check(m, n, k, b, ldb, transposeB, c, ldc, bias, residual, residualStride, GemmBatch.Single);
        ArgumentOutOfRangeException.ThrowIfLessThan(lda, k);
        if (a.Length < (long)(m - 1) * lda + k)
            throw new ArgumentException($"A of {m} x {k} (lda {lda}) needs more than {a.Length} floats", nameof(a));
        var kernel = Kernel(path);
        float* packed = Scratch.PackedA(checked((int)PackedASize(m, k, kernel.Mr)));
        fixed (float* pa = a)
            GemmPacking.PackA(pa, lda, false, m, k, kernel.Mr, packed);
        Run(kernel, packed, m, n, k, b, ldb, transposeB, c, ldc, bias, residual, residualStride, activation, pool, GemmBatch.Single);
    }

    /// <summary>
    /// For memory estimates: the most <see cref="Scratch.PackedB"/> a product of <paramref name="k"/> x
    /// <paramref name="n"/> B asks for on a thread: a block of packed columns, or where B is read in
    /// place, only its ragged last strip.
    /// </summary>
    internal static void NeedScratch(SimdPath path, int k, int n, bool transposeB, ScratchEstimate scratch)
    {
        int nr = Kernel(path).Nr, kc = GemmJob.KBlockRows(k);
        int columns = !transposeB && n >= DirectMinColumns
            ? (n % nr == 0 ? 0 : nr)
            : Math.Min(GemmJob.PackedColumns(kc, nr), GemmPacking.CeilDiv(n, nr) * nr);
        scratch.PerThread(ScratchKind.PackedB, (long)GemmPacking.PanelStride(kc, nr) * GemmPacking.CeilDiv(columns, nr));
    }

    static void Check(int m, int n, int k, ReadOnlySpan<float> b, int ldb, bool transposeB, Span<float> c, int ldc,
        ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, int residualStride, GemmBatch batch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch.Count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(batch.StrideB);
        ArgumentOutOfRangeException.ThrowIfNegative(batch.StrideC);
        int bOuter = transposeB ? n : k, bInner = transposeB ? k : n;
        long lastImage = batch.Count - 1;
        ArgumentOutOfRangeException.ThrowIfLessThan(ldb, bInner);
        if (b.Length < lastImage * batch.StrideB + (long)(bOuter - 1) * ldb + bInner)
            throw new ArgumentException($"{batch.Count} B of {k} x {n} (ldb {ldb}) need more than {b.Length} floats", nameof(b));
        ArgumentOutOfRangeException.ThrowIfLessThan(ldc, n);
        if (c.Length < lastImage * batch.StrideC + (long)(m - 1) * ldc + n)
            throw new ArgumentException($"{batch.Count} C of {m} x {n} (ldc {ldc}) need more than {c.Length} floats", nameof(c));
        if (!bias.IsEmpty && bias.Length < m)
            throw new ArgumentException($"bias needs {m} values, got {bias.Length}", nameof(bias));
        if (!residual.IsEmpty)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(residualStride, n);
            if (residual.Length < lastImage * batch.StrideC + (long)(m - 1) * residualStride + n)
                throw new ArgumentException($"residual of {m} x {n} (stride {residualStride}) needs more than {residual.Length} floats", nameof(residual));
            if (residual.Overlaps(c))
                throw new ArgumentException("residual must not overlap C", nameof(residual));
        }
        if (b.Overlaps(c))
            throw new ArgumentException("B must not overlap C", nameof(b));
    }

    static void Run(KernelInfo kernel, float* a, int m, int n, int k, ReadOnlySpan<float> b, int ldb, bool transposeB,
        Span<float> c, int ldc, ReadOnlySpan<float> bias, ReadOnlySpan<float> residual, int residualStride,
        Activation activation, WorkerPool? pool, GemmBatch batch)
    {
        fixed (float* pb = b)
        fixed (float* pc = c)
        fixed (float* pbias = bias)
        fixed (float* pres = residual)
        {
            var job = new GemmJob
            {
                Kernel = kernel, A = a, M = m, N = n, K = k, B = pb, Ldb = ldb, TransposeB = transposeB,
                C = pc, Ldc = ldc, Bias = bias.IsEmpty ? null : pbias, Residual = residual.IsEmpty ? null : pres,
                ResidualStride = residualStride, Lo = activation.Min, Hi = activation.Max,
                StrideB = batch.StrideB, StrideC = batch.StrideC,
                // In place pays where B is large; a small one (N = 49 at the end of MobileNetV2) is
                // cheap to pack, and packed panels keep its rows aligned (measured 6% faster there).
                DirectB = !transposeB && n >= DirectMinColumns,
            };
            // About four tasks per thread in all, so uneven ones balance; a batch supplies some of
            // them by itself, and the rest come from splitting each product.
            int threads = pool?.ThreadCount ?? 1;
            int perImage = threads > 1 ? GemmPacking.CeilDiv(4 * threads, batch.Count) : 1;
            int nPanels = GemmPacking.CeilDiv(n, kernel.Nr), mPanels = GemmPacking.CeilDiv(m, kernel.Mr);
            int nTasks = 1, mTasks = 1;
            if (perImage > 1 && 2 * nPanels >= perImage)
                nTasks = Math.Min(nPanels, perImage);                                // columns: each task packs only its own B
            else if (perImage > 1)
                mTasks = Math.Min(mPanels, GemmPacking.CeilDiv(perImage, 4));         // few columns: rows, each task packs all of (small) B
            job.NChunk = GemmPacking.CeilDiv(nPanels, nTasks) * kernel.Nr;
            job.MChunk = GemmPacking.CeilDiv(mPanels, mTasks) * kernel.Mr;
            job.TasksPerImage = GemmPacking.CeilDiv(n, job.NChunk) * GemmPacking.CeilDiv(m, job.MChunk);
            int tasks = job.TasksPerImage * batch.Count;
            WorkerPool.For(pool, tasks, job);
        }
    }

    struct GemmJob : IParallelJob
    {
        public KernelInfo Kernel;
        public float* A;
        public int M, N, K;
        public float* B;
        public int Ldb;
        public bool TransposeB;
        public float* C;
        public int Ldc;
        public float* Bias;
        public float* Residual;
        public int ResidualStride;
        public float Lo, Hi;
        public long StrideB, StrideC;
        public int NChunk, MChunk, TasksPerImage;
        public bool DirectB;

        public void Execute(int index)
        {
            int image = index / TasksPerImage;
            index %= TasksPerImage;
            int nTasks = GemmPacking.CeilDiv(N, NChunk);
            int m0 = index / nTasks * MChunk, n0 = index % nTasks * NChunk;
            Block(B + image * StrideB, C + image * StrideC, Residual != null ? Residual + image * StrideC : null,
                m0, Math.Min(M, m0 + MChunk), n0, Math.Min(N, n0 + NChunk));
        }

        /// <summary>Rows of K per block: K split into equal blocks of at most KcMax.</summary>
        internal static int KBlockRows(int k) => GemmPacking.CeilDiv(k, GemmPacking.CeilDiv(k, KcMax));

        /// <summary>Columns of B packed at a time: a block of about <see cref="PackedBFloats"/>.</summary>
        internal static int PackedColumns(int kc, int nr) => Math.Max(nr, PackedBFloats / kc / nr * nr);

        /// <summary>The epilogue's per-product fields; the per-tile ones are set as the tiles go.</summary>
        readonly TileEpilogue Epilogue() => new() { ResidualStride = ResidualStride, Lo = Lo, Hi = Hi };

        readonly void Block(float* b, float* c, float* residual, int m0, int m1, int n0, int n1)
        {
            if (DirectB)
            {
                // Whole Nr-column strips read B in place; only a ragged last strip is packed.
                int full = n0 + (n1 - n0) / Kernel.Nr * Kernel.Nr;
                if (full > n0)
                    DirectBlock(b, c, residual, m0, m1, n0, full);
                n0 = full;
                if (n0 == n1)
                    return;
            }
            PackedBlock(b, c, residual, m0, m1, n0, n1);
        }

        /// <summary>
        /// Columns [n0, n1), a multiple of Nr, straight from B: a group of Nr-column strips (kc rows,
        /// at most 16 KB) is read from memory once and then stays in L1 while every A panel passes
        /// over it. Packing B first costs a full extra read and write of it, which is most of the work
        /// when K is small, as in MobileNetV2's 1x1 convolutions (K = 16 to 960).
        /// </summary>
        readonly void DirectBlock(float* b, float* c, float* residual, int m0, int m1, int n0, int n1)
        {
            int mr = Kernel.Mr, nr = Kernel.Nr;
            int kcStd = KBlockRows(K);
            var e = Epilogue();
            for (int pc = 0; pc < K; pc += kcStd)
            {
                int kc = Math.Min(kcStd, K - pc);
                e.Accumulate = pc > 0;
                e.Final = pc + kc == K;
                // Strips go in groups of up to 16 KB of B, so that C is written and B read in runs of
                // several cache lines, which the prefetchers follow; one strip at a time leaves them
                // kc + Mr separate 64-byte streams.
                int group = Math.Max(1, GroupBytes / (kc * nr * sizeof(float))) * nr;
                for (int g = n0; g < n1; g += group)
                {
                    int gEnd = Math.Min(n1, g + group);
                    for (int i = m0; i < m1; i += mr)
                    {
                        e.Bias = pc == 0 && Bias != null ? Bias + i : null;
                        float* aPanel = A + (nint)(i / mr) * K * mr + (nint)pc * mr;
                        int rows = Math.Min(mr, m1 - i);
                        for (int j = g; j < gEnd; j += nr)
                        {
                            e.Residual = residual != null ? residual + (nint)i * ResidualStride + j : null;
                            Kernel.Tile(kc, aPanel, b + (nint)pc * Ldb + j, Ldb, c + (nint)i * Ldc + j, Ldc, &e, rows, nr);
                        }
                    }
                }
            }
        }

        readonly void PackedBlock(float* b, float* c, float* residual, int m0, int m1, int n0, int n1)
        {
            int mr = Kernel.Mr, nr = Kernel.Nr;
            int kcStd = KBlockRows(K);
            int ncMax = PackedColumns(kcStd, nr);
            float* packedB = Scratch.PackedB(GemmPacking.PanelStride(kcStd, nr) * GemmPacking.CeilDiv(Math.Min(ncMax, n1 - n0), nr));
            var e = Epilogue();
            for (int jc = n0; jc < n1; jc += ncMax)
            {
                int nc = Math.Min(ncMax, n1 - jc);
                for (int pc = 0; pc < K; pc += kcStd)
                {
                    int kc = Math.Min(kcStd, K - pc);
                    GemmPacking.PackB(b, Ldb, TransposeB, pc, kc, jc, nc, nr, packedB);
                    e.Accumulate = pc > 0;
                    e.Final = pc + kc == K;
                    // A row panel of C at a time, across the whole B block: C is written as Mr
                    // sequential streams and the A panel stays in L1, while the B block (at most
                    // 256 KB) is re-read from L2. Writing C panel by panel down the rows instead
                    // was up to 2x slower when K is small and C is large (MobileNetV2's expansions).
                    for (int i = m0; i < m1; i += mr)
                    {
                        int rows = Math.Min(mr, m1 - i);
                        e.Bias = pc == 0 && Bias != null ? Bias + i : null;
                        float* aPanel = A + (nint)(i / mr) * K * mr + (nint)pc * mr;
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int cols = Math.Min(nr, nc - jr);
                            float* bPanel = packedB + (nint)(jr / nr) * GemmPacking.PanelStride(kc, nr);
                            e.Residual = residual != null ? residual + (nint)i * ResidualStride + jc + jr : null;
                            float* cTile = c + (nint)i * Ldc + jc + jr;
                            if (cols <= Kernel.NarrowCols)
                                Kernel.Narrow(kc, aPanel, bPanel, cTile, Ldc, &e, rows, cols);
                            else
                                Kernel.Tile(kc, aPanel, bPanel, nr, cTile, Ldc, &e, rows, cols);
                        }
                    }
                }
            }
        }
    }
}

/// <summary>
/// Several products with one A: image i reads B at i * StrideB and writes C (and reads the
/// residual) at i * StrideC, all in floats. The default is a single product.
/// </summary>
internal readonly record struct GemmBatch(int Count, long StrideB, long StrideC)
{
    public static GemmBatch Single => new(1, 0, 0);

    internal GemmBatch OrSingle => Count == 0 ? Single : this;
}
