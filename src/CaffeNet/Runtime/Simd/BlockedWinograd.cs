using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Group-1 3x3 stride-1 undilated convolution on channel-blocked tensors by Winograd's minimal
/// filtering (Lavin and Gray, 2015), F(2x2, 3x3) or F(4x4, 3x3): each m x m block of output (a tile)
/// comes from the (m + 2) x (m + 2) input window around it as Y = Aᵀ [U ⊙ V] A, with U = G g Gᵀ each
/// filter transformed once at load (in double) and V = Bᵀ d B each window transformed per call.
/// Summed over the input channels, the (m + 2)² products U ⊙ V of a tile are as many independent
/// matrix products (outputs x inputs times inputs x tiles), each run on the 1x1 kernel
/// (<see cref="BlockedPointwise"/>) with the tiles as its pixels: per output and channel pair, 4
/// multiplications with m = 2 and 2.25 with m = 4 instead of 9. F(2x2) only adds and subtracts in
/// its transforms; F(4x4) also scales by 2, 4, 5 and 8, so its rounding grows somewhat (ResNet-50's
/// probabilities move by 6e-6 with either).
/// A chunk of one image's tiles is transformed, multiplied and transformed back (bias, residual,
/// clamp fused there) in scratch sized to stay in L2; a task is a run of chunks.
/// Output = clamp(conv + bias (+ residual), lo, hi), the residual blocked like the output.
/// </summary>
internal static unsafe class BlockedWinograd
{
    /// <summary>
    /// Bytes of a chunk's transformed windows and products together: about a 2 MB L2 (ResNet-50 with
    /// F(2x2) took 0.974 of the time it took with half that; twice and four times gained nothing).
    /// </summary>
    const int ChunkBytes = 2 * 1024 * 1024;

    /// <summary>Whether the window is one this kernel computes: 3x3, stride 1, no dilation (any padding).</summary>
    public static bool Handles(ConvWindow w) =>
        w is { KernelH: 3, KernelW: 3, StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1 };

    /// <summary>Values of a transformed tile of <paramref name="tile"/> x <paramref name="tile"/> outputs: its window's, and its products.</summary>
    static int Positions(int tile) => (tile + 2) * (tile + 2);

    /// <summary>
    /// The tile (2 or 4) with which a convolution runs faster here than on <see cref="BlockedConv"/>,
    /// or 0 where it does not: the window is one this kernel computes, the input channels are enough
    /// to spread the transforms over (measured with 2x2 tiles: 16 inputs run at 2.3 times
    /// BlockedConv's time, 32 at 0.86), and the plane has enough tiles to reuse each transformed weight
    /// (7x7 has 16 of 2x2, wasting 15 of 64 outputs; it ran at 1.1 times BlockedConv's time). 4x4
    /// tiles where the plane is at least 24 wide and high, so few of their outputs are wasted
    /// (ResNet-50's res2 and res3, SqueezeNet's fire4 and fire5: the whole forward at 0.976 and
    /// 0.968 of the time with 2x2 tiles there, paired in-process).
    /// </summary>
    public static int TileFor(ConvWindow window, int inputs, int outHeight, int outWidth)
    {
        if (!Handles(window) || inputs < 32 || Tiles(outHeight, outWidth, 2) < 36)
            return 0;
        return outHeight >= 24 && outWidth >= 24 ? 4 : 2;
    }

    /// <summary>G: a 3-tap filter to the <paramref name="tile"/> + 2 values of its transform.</summary>
    static double[,] FilterTransform(int tile) => tile == 2
        ? new double[,] { { 1, 0, 0 }, { 0.5, 0.5, 0.5 }, { 0.5, -0.5, 0.5 }, { 0, 0, 1 } }
        : new double[,]
        {
            { 1.0 / 4, 0, 0 }, { -1.0 / 6, -1.0 / 6, -1.0 / 6 }, { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
            { 1.0 / 24, 1.0 / 12, 1.0 / 6 }, { 1.0 / 24, -1.0 / 12, 1.0 / 6 }, { 0, 0, 1 },
        };

    /// <summary>
    /// Weights outputs x inputs x 3 x 3 transformed (U = G g Gᵀ, in double) to, per position of the
    /// transform, the 1x1 kernel's layout [output blocks][inputs][block]; then a block-padded row of
    /// zeros for the products' bias.
    /// </summary>
    public static AlignedFloats PackWeights(ReadOnlySpan<float> weights, int outputs, int inputs, int block, int tile)
    {
        CheckTile(tile);
        int outBlocks = (outputs + block - 1) / block, n = tile + 2;
        var packed = new AlignedFloats(checked((int)PackedFloats(outputs, inputs, block, tile)));
        var to = packed.Span;
        long position = (long)outBlocks * inputs * block;
        var g = FilterTransform(tile);
        Span<double> gg = stackalloc double[n * 3];
        for (int o = 0; o < outputs; o++)
        {
            for (int c = 0; c < inputs; c++)
            {
                var f = weights.Slice((o * inputs + c) * 9, 9);
                for (int y = 0; y < n; y++)
                {
                    for (int x = 0; x < 3; x++)
                        gg[y * 3 + x] = g[y, 0] * f[x] + g[y, 1] * f[3 + x] + g[y, 2] * f[6 + x];
                }
                for (int y = 0; y < n; y++)
                {
                    for (int x = 0; x < n; x++)
                    {
                        double u = gg[y * 3] * g[x, 0] + gg[y * 3 + 1] * g[x, 1] + gg[y * 3 + 2] * g[x, 2];
                        to[(int)((y * n + x) * position + ((long)o / block * inputs + c) * block + o % block)] = (float)u;
                    }
                }
            }
        }
        return packed;
    }

    public static long PackedFloats(int outputs, int inputs, int block, int tile)
    {
        long outLanes = (long)(outputs + block - 1) / block * block;
        return Positions(tile) * outLanes * inputs + outLanes;
    }

    static void CheckTile(int tile)
    {
        if (tile is not (2 or 4))
            throw new ArgumentException($"Winograd tiles of 2x2 or 4x4 outputs, not {tile}", nameof(tile));
    }

    /// <summary>For memory estimates: the transformed windows and products of a chunk (every thread).</summary>
    internal static void NeedScratch(int block, int inputs, int outputs, int outHeight, int outWidth, int tile, ScratchEstimate scratch)
    {
        int tiles = ChunkTiles(block, inputs, outputs, Tiles(outHeight, outWidth, tile), tile);
        scratch.PerThread(ScratchKind.TransformedInput, (long)Positions(tile) * RoundUp(inputs, block) * tiles);
        scratch.PerThread(ScratchKind.TransformedOutput, (long)Positions(tile) * RoundUp(outputs, block) * tiles);
    }

    static int RoundUp(int channels, int block) => (channels + block - 1) / block * block;

    static int Tiles(int outHeight, int outWidth, int tile) => (outHeight + tile - 1) / tile * ((outWidth + tile - 1) / tile);

    /// <summary>Tiles a chunk takes at most: as many as <see cref="ChunkBytes"/> of transformed windows and products hold, in whole six-tile rows of the 1x1 kernel.</summary>
    static int ChunkTiles(int block, int inputs, int outputs, int tiles, int tile)
    {
        int fit = ChunkBytes / (Positions(tile) * (RoundUp(inputs, block) + RoundUp(outputs, block)) * sizeof(float));
        return Math.Min(tiles, Math.Max(BlockedPointwise.Pixels, fit / BlockedPointwise.Pixels * BlockedPointwise.Pixels));
    }

    /// <summary>
    /// Blocked batch x inputs x height x width to blocked batch x outputs x OutputHeight x OutputWidth
    /// in tiles of <paramref name="tile"/> x <paramref name="tile"/> outputs; weights by
    /// <see cref="PackWeights"/> for that tile, bias by <see cref="BlockedDepthwise.PackChannels"/>, for
    /// <paramref name="block"/> 8 or 16. Work is spread over the pool.
    /// </summary>
    public static void Forward(int block, ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> residual,
        int batch, int inputs, int height, int width, int outputs, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ConvWindow window, Activation activation, int tile, WorkerPool? pool)
    {
        window.Check(height, width);
        BlockedIo.CheckBlock(block);
        CheckTile(tile);
        if (!Handles(window))
            throw new ArgumentException($"Winograd F({tile}x{tile}, 3x3) does not compute window {window}", nameof(window));
        int oh = window.OutputHeight(height), ow = window.OutputWidth(width);
        int inBlocks = (inputs + block - 1) / block, outBlocks = (outputs + block - 1) / block;
        long outFloats = (long)batch * outBlocks * oh * ow * block;
        if (input.Length < (long)batch * inBlocks * height * width * block || output.Length < outFloats || (!residual.IsEmpty && residual.Length < outFloats))
            throw new ArgumentException($"blocked tensors of {batch}x{inputs}x{height}x{width} -> {outputs}x{oh}x{ow} are too short");
        if (weights.Length < PackedFloats(outputs, inputs, block, tile) || bias.Length < outBlocks * block)
            throw new ArgumentException("packed weights or bias too short");
        if (input.Overlaps(output))
            throw new ArgumentException("input must not overlap output", nameof(output));
        int tiles = Tiles(oh, ow, tile), most = ChunkTiles(block, inputs, outputs, tiles, tile);
        int chunks = (tiles + most - 1) / most;
        // Enough chunks for every thread when the images alone are too few.
        int threads = pool?.ThreadCount ?? 1;
        if (batch * chunks < threads)
            chunks = Math.Min((threads + batch - 1) / batch, (tiles + BlockedPointwise.Pixels - 1) / BlockedPointwise.Pixels);
        int chunkTiles = (tiles + chunks - 1) / chunks;
        chunks = (tiles + chunkTiles - 1) / chunkTiles;
        fixed (float* pin = input)
        fixed (float* pout = output)
        fixed (float* pres = residual)
        fixed (float* pw = weights)
        fixed (float* pb = bias)
        {
            var job = new Job
            {
                Block = block, Input = pin, Output = pout, Residual = residual.IsEmpty ? null : pres, Weights = pw, Bias = pb,
                Inputs = inputs, Outputs = outputs, InBlocks = inBlocks, OutBlocks = outBlocks, Height = height, Width = width,
                PadH = window.PadH, PadW = window.PadW, OutHeight = oh, OutWidth = ow, Tile = tile, Positions = Positions(tile),
                TilesWide = (ow + tile - 1) / tile, Tiles = tiles, ChunkTiles = chunkTiles, Chunks = chunks, Lo = activation.Min, Hi = activation.Max,
            };
            // Work per chunk in vector FMAs: the products dominate.
            double work = (double)job.Positions * chunkTiles * inputs * outBlocks;
            job.Units = (long)batch * chunks;
            job.Tasks = WorkSplit.Tasks(pool, job.Units, work);
            WorkerPool.For(pool, job.Tasks, job);
        }
    }

    /// <summary>One call: a task is a run of (image, chunk) units, images outermost.</summary>
    internal struct Job : IParallelJob
    {
        public int Block, Inputs, Outputs, InBlocks, OutBlocks, Height, Width, PadH, PadW, OutHeight, OutWidth;
        public int Tile, Positions, TilesWide, Tiles, ChunkTiles, Chunks, Tasks;
        public long Units;
        public float* Input, Output, Residual, Weights, Bias;
        public float Lo, Hi;

        public readonly void Execute(int index)
        {
            long end = WorkSplit.First(index + 1, Tasks, Units);
            for (long unit = WorkSplit.First(index, Tasks, Units); unit < end; unit++)
                Chunk((int)(unit / Chunks), (int)(unit % Chunks));
        }

        /// <summary>Tiles [chunk * ChunkTiles, ...) of one image: transform, multiply, transform back.</summary>
        readonly void Chunk(int image, int chunk)
        {
            int first = chunk * ChunkTiles, count = Math.Min(ChunkTiles, Tiles - first);
            int b = Block, inLanes = InBlocks * b, outLanes = OutBlocks * b;
            float* v = Scratch.TransformedInput(Positions * inLanes * count);
            float* m = Scratch.TransformedOutput(Positions * outLanes * count);
            if (b == 16)
                BlockedWinograd<Lanes512, Vector512<float>>.TransformInput(this, image, first, count, v);
            else
                BlockedWinograd<Lanes256, Vector256<float>>.TransformInput(this, image, first, count, v);
            int position = OutBlocks * Inputs * b;
            var zeros = new ReadOnlySpan<float>(Weights + (nint)Positions * position, outLanes);
            for (int p = 0; p < Positions; p++)
            {
                BlockedPointwise.Forward(b, new ReadOnlySpan<float>(v + (nint)p * inLanes * count, inLanes * count),
                    new Span<float>(m + (nint)p * outLanes * count, outLanes * count), default, 1, Inputs, Outputs, count,
                    new ReadOnlySpan<float>(Weights + (nint)p * position, position), zeros, Activation.None, null);
            }
            if (b == 16)
                BlockedWinograd<Lanes512, Vector512<float>>.TransformOutput(this, image, first, count, m);
            else
                BlockedWinograd<Lanes256, Vector256<float>>.TransformOutput(this, image, first, count, m);
        }
    }
}

/// <summary>The transforms of <see cref="BlockedWinograd"/>, once per lane width.</summary>
static unsafe class BlockedWinograd<TLanes, TVec> where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged
{
    /// <summary>
    /// V = Bᵀ d B of tiles [first, first + count) of one image, every input block, to
    /// v[position][input block][tile][lane]; window values outside the input (padding) are zero.
    /// </summary>
    [SkipLocalsInit]
    public static void TransformInput(in BlockedWinograd.Job j, int image, int first, int count, float* v)
    {
        int b = TLanes.Count, n = j.Tile + 2;
        nint plane = (nint)j.Height * j.Width * b, position = (nint)j.InBlocks * count * b;
        TVec* rows = stackalloc TVec[36];
        for (int t = 0; t < count; t++)
        {
            int tile = first + t, ty = tile / j.TilesWide, tx = tile - ty * j.TilesWide;
            int y0 = j.Tile * ty - j.PadH, x0 = j.Tile * tx - j.PadW;
            bool inside = y0 >= 0 && x0 >= 0 && y0 + n <= j.Height && x0 + n <= j.Width;
            float* src = j.Input + (nint)image * j.InBlocks * plane;
            float* dst = v + (nint)t * b;
            for (int cb = 0; cb < j.InBlocks; cb++, src += plane, dst += (nint)count * b)
            {
                if (j.Tile == 2)
                    Input2(j, src, y0, x0, inside, dst, position);
                else
                    Input4(j, src, y0, x0, inside, dst, position, rows);
            }
        }
    }

    /// <summary>
    /// Y = Aᵀ M A of tiles [first, first + count) of one image from m[position][output block][tile][lane],
    /// plus bias (and residual), clamped, to the output pixels the tile covers.
    /// </summary>
    [SkipLocalsInit]
    public static void TransformOutput(in BlockedWinograd.Job j, int image, int first, int count, float* m)
    {
        int b = TLanes.Count;
        nint plane = (nint)j.OutHeight * j.OutWidth * b, position = (nint)j.OutBlocks * count * b;
        var lo = TLanes.Splat(j.Lo);
        var hi = TLanes.Splat(j.Hi);
        TVec* rows = stackalloc TVec[24];
        for (int ob = 0; ob < j.OutBlocks; ob++)
        {
            nint at = ((nint)image * j.OutBlocks + ob) * plane;
            var e = new Epilogue(j.Output + at, j.Residual == null ? null : j.Residual + at, TLanes.Load(j.Bias + ob * b), lo, hi);
            float* src = m + (nint)ob * count * b;
            for (int t = 0; t < count; t++, src += b)
            {
                int tile = first + t, ty = tile / j.TilesWide, tx = tile - ty * j.TilesWide;
                if (j.Tile == 2)
                    Output2(j, src, position, ty, tx, e);
                else
                    Output4(j, src, position, ty, tx, e, rows);
            }
        }
    }

    /// <summary>An output block's epilogue: + bias (+ residual), clamped, stored.</summary>
    readonly struct Epilogue(float* output, float* residual, TVec bias, TVec lo, TVec hi)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Store(TVec y, nint p)
        {
            y = TLanes.Add(y, bias);
            if (residual != null)
                y = TLanes.Add(y, TLanes.Load(residual + p));
            TLanes.Store(TLanes.Clamp(y, lo, hi), output + p);
        }
    }

    /// <summary>One F(2x2) window of one input block, its top-left corner at (<paramref name="y0"/>, <paramref name="x0"/>), to its 16 positions.</summary>
    static void Input2(in BlockedWinograd.Job j, float* src, int y0, int x0, bool inside, float* dst, nint position)
    {
        // Bᵀ d B: each row of the window to (d0 - d2, d1 + d2, d2 - d1, d1 - d3), then the same down the columns.
        Row(j, src, y0, x0, inside, out var r00, out var r01, out var r02, out var r03);
        Row(j, src, y0 + 1, x0, inside, out var r10, out var r11, out var r12, out var r13);
        Row(j, src, y0 + 2, x0, inside, out var r20, out var r21, out var r22, out var r23);
        Row(j, src, y0 + 3, x0, inside, out var r30, out var r31, out var r32, out var r33);
        Column(dst, position, 0, r00, r10, r20, r30);
        Column(dst, position, 1, r01, r11, r21, r31);
        Column(dst, position, 2, r02, r12, r22, r32);
        Column(dst, position, 3, r03, r13, r23, r33);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Row(in BlockedWinograd.Job j, float* plane, int y, int x0, bool inside, out TVec t0, out TVec t1, out TVec t2, out TVec t3)
    {
        int b = TLanes.Count;
        TVec d0, d1, d2, d3;
        if (inside)
        {
            float* p = plane + ((nint)y * j.Width + x0) * b;
            d0 = TLanes.Load(p); d1 = TLanes.Load(p + b); d2 = TLanes.Load(p + 2 * b); d3 = TLanes.Load(p + 3 * b);
        }
        else
        {
            d0 = At(j, plane, y, x0); d1 = At(j, plane, y, x0 + 1); d2 = At(j, plane, y, x0 + 2); d3 = At(j, plane, y, x0 + 3);
        }
        t0 = TLanes.Subtract(d0, d2);
        t1 = TLanes.Add(d1, d2);
        t2 = TLanes.Subtract(d2, d1);
        t3 = TLanes.Subtract(d1, d3);
    }

    static TVec At(in BlockedWinograd.Job j, float* plane, int y, int x) =>
        (uint)y < (uint)j.Height && (uint)x < (uint)j.Width ? TLanes.Load(plane + ((nint)y * j.Width + x) * TLanes.Count) : TLanes.Splat(0);

    /// <summary>Column <paramref name="x"/> of the row-transformed window, transformed down, to positions x, 4 + x, 8 + x, 12 + x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Column(float* dst, nint position, int x, TVec r0, TVec r1, TVec r2, TVec r3)
    {
        TLanes.Store(TLanes.Subtract(r0, r2), dst + x * position);
        TLanes.Store(TLanes.Add(r1, r2), dst + (4 + x) * position);
        TLanes.Store(TLanes.Subtract(r2, r1), dst + (8 + x) * position);
        TLanes.Store(TLanes.Subtract(r1, r3), dst + (12 + x) * position);
    }

    /// <summary>One F(2x2) tile: Aᵀ M A of its 16 products at <paramref name="src"/> to the outputs it covers.</summary>
    static void Output2(in BlockedWinograd.Job j, float* src, nint position, int ty, int tx, in Epilogue e)
    {
        int b = TLanes.Count;
        // Aᵀ M: rows m0 + m1 + m2 and m1 - m2 - m3 of each column; then the same along the two rows.
        Sums(src, position, 0, out var s00, out var s10);
        Sums(src, position, 1, out var s01, out var s11);
        Sums(src, position, 2, out var s02, out var s12);
        Sums(src, position, 3, out var s03, out var s13);
        int y = 2 * ty, x = 2 * tx;
        bool right = x + 1 < j.OutWidth, below = y + 1 < j.OutHeight;
        nint p = ((nint)y * j.OutWidth + x) * b;
        e.Store(TLanes.Add(TLanes.Add(s00, s01), s02), p);
        if (right)
            e.Store(TLanes.Subtract(TLanes.Subtract(s01, s02), s03), p + b);
        if (below)
        {
            p += (nint)j.OutWidth * b;
            e.Store(TLanes.Add(TLanes.Add(s10, s11), s12), p);
            if (right)
                e.Store(TLanes.Subtract(TLanes.Subtract(s11, s12), s13), p + b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Sums(float* src, nint position, int x, out TVec top, out TVec bottom)
    {
        var m0 = TLanes.Load(src + x * position);
        var m1 = TLanes.Load(src + (4 + x) * position);
        var m2 = TLanes.Load(src + (8 + x) * position);
        var m3 = TLanes.Load(src + (12 + x) * position);
        top = TLanes.Add(TLanes.Add(m0, m1), m2);
        bottom = TLanes.Subtract(TLanes.Subtract(m1, m2), m3);
    }


    /// <summary>One F(4x4) window of one input block: each row transformed into <paramref name="rows"/>, then each column of it to the 36 positions.</summary>
    static void Input4(in BlockedWinograd.Job j, float* src, int y0, int x0, bool inside, float* dst, nint position, TVec* rows)
    {
        int b = TLanes.Count;
        for (int r = 0; r < 6; r++)
        {
            int y = y0 + r;
            TVec* row = rows + r * 6;
            if (inside)
            {
                float* p = src + ((nint)y * j.Width + x0) * b;
                Input6(TLanes.Load(p), TLanes.Load(p + b), TLanes.Load(p + 2 * b), TLanes.Load(p + 3 * b),
                    TLanes.Load(p + 4 * b), TLanes.Load(p + 5 * b), out row[0], out row[1], out row[2], out row[3], out row[4], out row[5]);
            }
            else
            {
                Input6(At(j, src, y, x0), At(j, src, y, x0 + 1), At(j, src, y, x0 + 2), At(j, src, y, x0 + 3),
                    At(j, src, y, x0 + 4), At(j, src, y, x0 + 5), out row[0], out row[1], out row[2], out row[3], out row[4], out row[5]);
            }
        }
        for (int x = 0; x < 6; x++)
        {
            TVec* c = rows + x;
            Input6(c[0], c[6], c[12], c[18], c[24], c[30], out var u0, out var u1, out var u2, out var u3, out var u4, out var u5);
            float* at = dst + x * position;
            TLanes.Store(u0, at);
            TLanes.Store(u1, at + 6 * position);
            TLanes.Store(u2, at + 12 * position);
            TLanes.Store(u3, at + 18 * position);
            TLanes.Store(u4, at + 24 * position);
            TLanes.Store(u5, at + 30 * position);
        }
    }

    /// <summary>Bᵀ of F(4x4) on six values: rows (4, 0, -5, 0, 1, 0), (0, -4, -4, 1, 1, 0), (0, 4, -4, -1, 1, 0), (0, -2, -1, 2, 1, 0), (0, 2, -1, -2, 1, 0), (0, 4, 0, -5, 0, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Input6(TVec d0, TVec d1, TVec d2, TVec d3, TVec d4, TVec d5,
        out TVec v0, out TVec v1, out TVec v2, out TVec v3, out TVec v4, out TVec v5)
    {
        var four = TLanes.Splat(4);
        var minusFive = TLanes.Splat(-5);
        var two = TLanes.Splat(2);
        var d42 = TLanes.Subtract(d4, d2);
        v0 = TLanes.MultiplyAdd(four, d0, TLanes.MultiplyAdd(minusFive, d2, d4));
        v1 = TLanes.MultiplyAdd(TLanes.Splat(-4), TLanes.Add(d1, d2), TLanes.Add(d3, d4));
        v2 = TLanes.MultiplyAdd(four, TLanes.Subtract(d1, d2), TLanes.Subtract(d4, d3));
        v3 = TLanes.MultiplyAdd(two, TLanes.Subtract(d3, d1), d42);
        v4 = TLanes.MultiplyAdd(two, TLanes.Subtract(d1, d3), d42);
        v5 = TLanes.MultiplyAdd(four, d1, TLanes.MultiplyAdd(minusFive, d3, d5));
    }

    /// <summary>One F(4x4) tile: Aᵀ down each of the six columns of its 36 products into <paramref name="rows"/>, then along each of those four rows.</summary>
    static void Output4(in BlockedWinograd.Job j, float* src, nint position, int ty, int tx, in Epilogue e, TVec* rows)
    {
        int b = TLanes.Count;
        for (int x = 0; x < 6; x++)
        {
            float* c = src + x * position;
            Output6(TLanes.Load(c), TLanes.Load(c + 6 * position), TLanes.Load(c + 12 * position), TLanes.Load(c + 18 * position),
                TLanes.Load(c + 24 * position), TLanes.Load(c + 30 * position), out rows[x], out rows[6 + x], out rows[12 + x], out rows[18 + x]);
        }
        int y = 4 * ty, x0 = 4 * tx, across = Math.Min(4, j.OutWidth - x0), down = Math.Min(4, j.OutHeight - y);
        for (int r = 0; r < down; r++)
        {
            TVec* row = rows + r * 6;
            Output6(row[0], row[1], row[2], row[3], row[4], row[5], out var y0, out var y1, out var y2, out var y3);
            nint p = ((nint)(y + r) * j.OutWidth + x0) * b;
            e.Store(y0, p);
            if (across > 1) e.Store(y1, p + b);
            if (across > 2) e.Store(y2, p + 2 * b);
            if (across > 3) e.Store(y3, p + 3 * b);
        }
    }

    /// <summary>Aᵀ of F(4x4) on six values: rows (1, 1, 1, 1, 1, 0), (0, 1, -1, 2, -2, 0), (0, 1, 1, 4, 4, 0), (0, 1, -1, 8, -8, 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Output6(TVec m0, TVec m1, TVec m2, TVec m3, TVec m4, TVec m5, out TVec y0, out TVec y1, out TVec y2, out TVec y3)
    {
        TVec sum12 = TLanes.Add(m1, m2), diff12 = TLanes.Subtract(m1, m2), sum34 = TLanes.Add(m3, m4), diff34 = TLanes.Subtract(m3, m4);
        y0 = TLanes.Add(TLanes.Add(m0, sum12), sum34);
        y1 = TLanes.MultiplyAdd(TLanes.Splat(2), diff34, diff12);
        y2 = TLanes.MultiplyAdd(TLanes.Splat(4), sum34, sum12);
        y3 = TLanes.MultiplyAdd(TLanes.Splat(8), diff34, TLanes.Add(diff12, m5));
    }
}
