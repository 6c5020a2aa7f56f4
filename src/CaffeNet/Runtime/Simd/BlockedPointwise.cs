using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// 1x1 convolution (stride 1, no padding, group 1) on channel-blocked tensors: output channels in
/// the lanes. A tile is two output blocks by six pixels, twelve accumulators (four blocks, 24, with
/// the 32 registers of AVX-512; three by seven, 21, on planes that tiles of seven fill better, as
/// 7x7; one by twelve where a group has one block); each input channel adds its weight vectors
/// times the tile's pixels' value of that channel (broadcast), so the pixel count needs no vector
/// alignment. Where a group's weights outgrow a share of L1, the input channels are taken in
/// chunks (as MLAS does), the sums kept in the output between chunks, so a chunk's weights stay in
/// L1 across the tiles of a run instead of streaming from L2 for every tile; the weights of the
/// next run are fetched into L2 while a run computes (<see cref="Tile.Prefetch"/>).
/// Output = clamp(conv + bias (+ residual), lo, hi), the residual blocked like the output.
/// </summary>
internal static unsafe class BlockedPointwise
{
    internal const int Pixels = 6;
    /// <summary>Bytes of one group's weights for a chunk of input channels: an L1 of 32 KB (two thirds of one of 48 KB), so they stay there across a run's tiles.</summary>
    const int ChunkBytes = 32 * 1024;

    /// <summary>Weights outputs x inputs to [output blocks][inputs][block], the lanes past the outputs zero.</summary>
    public static AlignedFloats PackWeights(ReadOnlySpan<float> weights, int outputs, int inputs, int block)
    {
        int blocks = (outputs + block - 1) / block;
        var packed = new AlignedFloats(checked(blocks * inputs * block));
        var to = packed.Span;
        for (int o = 0; o < outputs; o++)
        {
            for (int c = 0; c < inputs; c++)
                to[(o / block * inputs + c) * block + o % block] = weights[o * inputs + c];
        }
        return packed;
    }

    /// <summary>
    /// Blocked batch x inputs x plane to blocked batch x outputs x plane; weights by
    /// <see cref="PackWeights"/>, bias by <see cref="BlockedDepthwise.PackChannels"/>, for
    /// <paramref name="block"/> 8 or 16. Work is spread over the pool.
    /// </summary>
    public static void Forward(int block, ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> residual,
        int batch, int inputs, int outputs, int plane, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        Activation activation, WorkerPool? pool)
    {
        BlockedIo.CheckBlock(block);
        int inBlocks = (inputs + block - 1) / block, outBlocks = (outputs + block - 1) / block;
        long outFloats = (long)batch * outBlocks * plane * block;
        if (input.Length < (long)batch * inBlocks * plane * block || output.Length < outFloats || (!residual.IsEmpty && residual.Length < outFloats))
            throw new ArgumentException($"blocked tensors of {batch}x{inputs}x{plane} -> {outputs} are too short");
        if (weights.Length < (long)outBlocks * inputs * block || bias.Length < outBlocks * block)
            throw new ArgumentException("packed weights or bias too short");
        if (input.Overlaps(output))
            throw new ArgumentException("input must not overlap output", nameof(output));
        fixed (float* pin = input)
        fixed (float* pout = output)
        fixed (float* pres = residual)
        fixed (float* pw = weights)
        fixed (float* pb = bias)
        {
            var job = Sized(block, batch, inputs, outputs, plane, activation, residual.Overlaps(output), pool);
            job.Input = pin;
            job.Output = pout;
            job.Residual = residual.IsEmpty ? null : pres;
            job.Weights = pw;
            job.Bias = pb;
            WorkerPool.For(pool, job.Tasks, job);
        }
    }

    /// <summary>The job for a layer of these sizes, its pointers left for the caller to set.</summary>
    internal static Job Sized(int block, int batch, int inputs, int outputs, int plane, Activation activation, bool residualInOutput,
        WorkerPool? pool)
    {
        int inBlocks = (inputs + block - 1) / block, outBlocks = (outputs + block - 1) / block;
        var job = new Job
        {
            Block = block, Inputs = inputs, InBlocks = inBlocks, OutBlocks = outBlocks, Plane = plane, OutPlane = (nint)plane * block,
            Lo = activation.Min, Hi = activation.Max,
        };
        // A task: a run of pixel tiles with every output block, so each thread keeps to its part
        // of the image from layer to layer; or, where the weights outweigh an image's input (small
        // late planes, many channels), a run of output groups over every pixel, so each thread
        // reads only its share of the weights. Images outermost either way.
        job.TilePixels = SevenFits(block, plane) ? 7 : Pixels;
        job.Tiles = (plane + job.TilePixels - 1) / job.TilePixels;
        job.Group = block == 16 ? (job.TilePixels == 7 ? 3 : 4) : 2;
        job.Groups = (outBlocks + job.Group - 1) / job.Group;
        job.ByGroups = (long)outBlocks * inputs > (long)inBlocks * plane;
        job.Units = (long)batch * (job.ByGroups ? job.Groups : job.Tiles);
        double work = (double)plane * inputs * outBlocks;
        job.Tasks = WorkSplit.Tasks(pool, job.Units, work * batch / job.Units);
        // Sums kept in the output between chunks would overwrite a residual that shares its memory.
        int chunk = Math.Max(1, ChunkBytes / (job.Group * block * block * sizeof(float))) * block;
        job.Chunk = residualInOutput ? inputs : chunk;
        return job;
    }

    /// <summary>
    /// Whether tiles of three blocks by seven pixels (21 sums) cover a plane with clearly fewer
    /// wasted pixels than four by six: a 7x7 plane fills seven of them exactly, where six-pixel
    /// tiles take nine, the last with one pixel of six. Needs the 32 registers of AVX-512.
    /// </summary>
    static bool SevenFits(int block, int plane)
    {
        if (block != 16)
            return false;
        double bySix = (double)plane / ((plane + Pixels - 1) / Pixels * Pixels), bySeven = (double)plane / ((plane + 6) / 7 * 7);
        return bySeven > bySix + 0.03;
    }

    internal struct Job : IParallelJob
    {
        public int Block, Inputs, InBlocks, OutBlocks, Plane, Group, Groups, Tiles, TilePixels, Tasks, Chunk;
        /// <summary>Floats from one output (and residual) block to the next: a plane's, or a band buffer's rows.</summary>
        public nint OutPlane;
        public bool ByGroups;
        public long Units;
        public float* Input, Output, Residual, Weights, Bias;
        public float Lo, Hi;

        public readonly void Execute(int index)
        {
            if (ByGroups)
            {
                long end = WorkSplit.First(index + 1, Tasks, Units);
                for (long unit = WorkSplit.First(index, Tasks, Units); unit < end; unit++)
                    Run((int)(unit / Groups), (int)(unit % Groups) * Group, 0, Plane);
                return;
            }
            foreach (var (image, first, last) in WorkSplit.Runs(index, Tasks, Units, Tiles))
                RunPixels(image, first * TilePixels, Math.Min(Plane, last * TilePixels));
        }

        /// <summary>Every output block of one image over pixels [first, last).</summary>
        public readonly void RunPixels(int image, int first, int last)
        {
            // Group by group over the run: a group's weights stay in cache across its tiles.
            for (int ob = 0; ob < OutBlocks; ob += Group)
                Run(image, ob, first, last);
        }

        /// <summary>
        /// Where the run after chunk <paramref name="c"/> of group <paramref name="ob"/> reads, in floats
        /// from the weights' start, and how many of its blocks a run fetches ahead (0: none, after the
        /// image's last group): the group's next chunk, else the next group's first. A run fetches as
        /// many channels as it has, so a short last chunk is fetched as the whole chunk ending at the
        /// row's end, never past it.
        /// </summary>
        internal readonly nint Upcoming(int ob, int c, out int blocks)
        {
            if (c + Chunk < Inputs)
            {
                blocks = Math.Min(Group, OutBlocks - ob);
                return (nint)ob * Inputs * Block + (nint)Math.Min(c + Chunk, Inputs - Chunk) * Block;
            }
            blocks = Math.Max(0, Math.Min(Group, OutBlocks - ob - Group));
            return blocks > 0 ? (nint)(ob + Group) * Inputs * Block : 0;
        }

        /// <summary>Output blocks [ob, ob + Group) of one image, pixels [first, last).</summary>
        readonly void Run(int image, int ob, int first, int last)
        {
            nint inPlane = (nint)Plane * Block;
            var tile = new Tile
            {
                InStride = inPlane,
                Output = Output + ((nint)image * OutBlocks + ob) * OutPlane,
                Residual = Residual == null ? null : Residual + ((nint)image * OutBlocks + ob) * OutPlane,
                OutStride = OutPlane,
                WeightStride = (nint)Inputs * Block,
                Bias = Bias + (nint)ob * Block,
                Blocks = Math.Min(Group, OutBlocks - ob),
                Seven = TilePixels == 7,
                Lo = Lo, Hi = Hi,
            };
            for (int c = 0; c < Inputs; c += Chunk)
            {
                tile.Input = Input + ((nint)image * InBlocks + c / Block) * inPlane;
                tile.Weights = Weights + (nint)ob * Inputs * Block + (nint)c * Block;
                tile.Inputs = Math.Min(Chunk, Inputs - c);
                tile.FromBias = c == 0;
                tile.Final = c + Chunk >= Inputs;
                tile.Prefetch = Weights + Upcoming(ob, c, out tile.PrefetchBlocks);
                if (Block == 16)
                    BlockedPointwise<Lanes512, Vector512<float>>.Run(tile, first, last);
                else
                    BlockedPointwise<Lanes256, Vector256<float>>.Run(tile, first, last);
            }
        }
    }

    /// <summary>
    /// A group of output blocks of one image over one chunk of input channels: output, residual and
    /// bias at the group's first block (pixel 0); input at the chunk's first block (pixel 0);
    /// weights at the group's first block and the chunk's first channel.
    /// </summary>
    internal struct Tile
    {
        public float* Input, Output, Residual, Weights, Bias;
        public nint InStride, OutStride, WeightStride;
        public int Inputs, Blocks;
        /// <summary>
        /// The weights the next run reads (<see cref="Job.Upcoming"/>), for its first <see cref="PrefetchBlocks"/>
        /// blocks: the run's first tiles fetch them into L2, one block's stream each, a vector per input
        /// channel (a cache line with 16 lanes), so they come
        /// from L3 while this run computes instead of stalling the next run's first tile (MobileNetV2
        /// at 1 thread: 0.955 of the time; its 7x7 layers stream a chunk in for every seven tiles).
        /// </summary>
        public float* Prefetch;
        public int PrefetchBlocks;
        /// <summary>Three blocks go in tiles of seven pixels (the groups hold three).</summary>
        public bool Seven;
        /// <summary>Sums start from the bias (else from the output, where the chunks before left them); the epilogue runs (else the sums are stored as they are).</summary>
        public bool FromBias, Final;
        public float Lo, Hi;
    }
}

/// <summary>The vector loops of <see cref="BlockedPointwise"/>, once per lane width.</summary>
static unsafe class BlockedPointwise<TLanes, TVec> where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged
{
    /// <summary>Pixels [first, last) of the tile's output blocks.</summary>
    public static void Run(in BlockedPointwise.Tile t, int first, int last)
    {
        int b = TLanes.Count, call = 0;
        // The JIT drops the branch for 256-bit lanes, whose 16 registers cannot hold 21 sums.
        if (b == 16 && t.Seven && t.Blocks == 3)
        {
            for (int p = first; p < last; p += 7)
                ThreeBySeven(t, Pixels(p, last, 7), p, Ahead(t, call++));
            return;
        }
        if (t.Blocks == 1)
        {
            // One block: twelve pixels at a time, as six sums would wait on the FMA latency.
            int p = first;
            for (; p + BlockedPointwise.Pixels < last; p += 2 * BlockedPointwise.Pixels)
                OneByTwelve(t, Pixels(p, last, BlockedPointwise.Pixels), Pixels(p + BlockedPointwise.Pixels, last, BlockedPointwise.Pixels), p, Ahead(t, call++));
            if (p < last)
                OneBySix(t, Pixels(p, last, BlockedPointwise.Pixels), p, 0, Ahead(t, call++));
            return;
        }
        for (int p = first; p < last; p += BlockedPointwise.Pixels)
        {
            var x = Pixels(p, last, BlockedPointwise.Pixels);
            int o = 0;
            // The JIT drops the branch for 256-bit lanes, whose 16 registers cannot hold 24 sums.
            if (b == 16)
            {
                for (; o + 4 <= t.Blocks; o += 4)
                    FourBySix(t, x, p, o, Ahead(t, call++));
            }
            for (; o + 2 <= t.Blocks; o += 2)
                TwoBySix(t, x, p, o, Ahead(t, call++));
            if (o < t.Blocks)
                OneBySix(t, x, p, o, Ahead(t, call++));
        }
    }

    /// <summary>Where the <paramref name="call"/>-th kernel call of a run prefetches: a block of the next run's weights, else its own (already in L1).</summary>
    static float* Ahead(in BlockedPointwise.Tile t, int call) =>
        call < t.PrefetchBlocks ? t.Prefetch + call * t.WeightStride : t.Weights;

    /// <summary>
    /// The tile of up to <paramref name="size"/> pixels at <paramref name="p"/>. A short last tile
    /// repeats its last pixel, at full speed where a tile of fewer sums would wait on the FMA
    /// latency; the repeats are not stored.
    /// </summary>
    static TilePixels Pixels(int p, int last, int size)
    {
        int b = TLanes.Count, n = Math.Min(size, last - p);
        return new TilePixels(n, Math.Min(1, n - 1) * b, Math.Min(2, n - 1) * b, Math.Min(3, n - 1) * b,
            Math.Min(4, n - 1) * b, Math.Min(5, n - 1) * b, Math.Min(6, n - 1) * b);
    }

    /// <summary>How many of a tile's six or seven pixels are stored, and the others' offsets from the first.</summary>
    readonly struct TilePixels(int count, nint o1, nint o2, nint o3, nint o4, nint o5, nint o6)
    {
        public readonly int Count = count;
        public readonly nint O1 = o1, O2 = o2, O3 = o3, O4 = o4, O5 = o5, O6 = o6;
    }

    static void ThreeBySeven(in BlockedPointwise.Tile t, in TilePixels px, int pixel, float* pf)
    {
        int b = TLanes.Count;
        nint wstride = t.WeightStride;
        float* w0 = t.Weights;
        Start(t, px, pixel, 0, out var a00, out var a01, out var a02, out var a03, out var a04, out var a05);
        Start(t, px, pixel, 1, out var a10, out var a11, out var a12, out var a13, out var a14, out var a15);
        Start(t, px, pixel, 2, out var a20, out var a21, out var a22, out var a23, out var a24, out var a25);
        var a06 = StartSeventh(t, px, pixel, 0);
        var a16 = StartSeventh(t, px, pixel, 1);
        var a26 = StartSeventh(t, px, pixel, 2);
        float* block = t.Input + (nint)pixel * b;
        nint o1 = px.O1, o2 = px.O2, o3 = px.O3, o4 = px.O4, o5 = px.O5, o6 = px.O6;
        int c = 0;
        while (c < t.Inputs)
        {
            int end = Math.Min(t.Inputs, c + b);
            float* x = block;
            for (; c < end; c++, x++, w0 += b, pf += b)
            {
                if (Sse.IsSupported) Sse.Prefetch1(pf);
                var v0 = TLanes.Load(w0);
                var v1 = TLanes.Load(w0 + wstride);
                var v2 = TLanes.Load(w0 + 2 * wstride);
                var x0 = TLanes.Splat(x[0]);
                a00 = TLanes.MultiplyAdd(v0, x0, a00); a10 = TLanes.MultiplyAdd(v1, x0, a10); a20 = TLanes.MultiplyAdd(v2, x0, a20);
                var x1 = TLanes.Splat(x[o1]);
                a01 = TLanes.MultiplyAdd(v0, x1, a01); a11 = TLanes.MultiplyAdd(v1, x1, a11); a21 = TLanes.MultiplyAdd(v2, x1, a21);
                var x2 = TLanes.Splat(x[o2]);
                a02 = TLanes.MultiplyAdd(v0, x2, a02); a12 = TLanes.MultiplyAdd(v1, x2, a12); a22 = TLanes.MultiplyAdd(v2, x2, a22);
                var x3 = TLanes.Splat(x[o3]);
                a03 = TLanes.MultiplyAdd(v0, x3, a03); a13 = TLanes.MultiplyAdd(v1, x3, a13); a23 = TLanes.MultiplyAdd(v2, x3, a23);
                var x4 = TLanes.Splat(x[o4]);
                a04 = TLanes.MultiplyAdd(v0, x4, a04); a14 = TLanes.MultiplyAdd(v1, x4, a14); a24 = TLanes.MultiplyAdd(v2, x4, a24);
                var x5 = TLanes.Splat(x[o5]);
                a05 = TLanes.MultiplyAdd(v0, x5, a05); a15 = TLanes.MultiplyAdd(v1, x5, a15); a25 = TLanes.MultiplyAdd(v2, x5, a25);
                var x6 = TLanes.Splat(x[o6]);
                a06 = TLanes.MultiplyAdd(v0, x6, a06); a16 = TLanes.MultiplyAdd(v1, x6, a16); a26 = TLanes.MultiplyAdd(v2, x6, a26);
            }
            block += t.InStride;
        }
        Finish(t, px, pixel, 0, a00, a01, a02, a03, a04, a05);
        Finish(t, px, pixel, 1, a10, a11, a12, a13, a14, a15);
        Finish(t, px, pixel, 2, a20, a21, a22, a23, a24, a25);
        FinishSeventh(t, px, pixel, 0, a06);
        FinishSeventh(t, px, pixel, 1, a16);
        FinishSeventh(t, px, pixel, 2, a26);
    }

    static void FourBySix(in BlockedPointwise.Tile t, in TilePixels px, int pixel, int which, float* pf)
    {
        int b = TLanes.Count;
        nint wstride = t.WeightStride;
        float* w0 = t.Weights + which * wstride;
        Start(t, px, pixel, which, out var a00, out var a01, out var a02, out var a03, out var a04, out var a05);
        Start(t, px, pixel, which + 1, out var a10, out var a11, out var a12, out var a13, out var a14, out var a15);
        Start(t, px, pixel, which + 2, out var a20, out var a21, out var a22, out var a23, out var a24, out var a25);
        Start(t, px, pixel, which + 3, out var a30, out var a31, out var a32, out var a33, out var a34, out var a35);
        float* block = t.Input + (nint)pixel * b;
        nint o1 = px.O1, o2 = px.O2, o3 = px.O3, o4 = px.O4, o5 = px.O5;
        int c = 0;
        while (c < t.Inputs)
        {
            int end = Math.Min(t.Inputs, c + b);
            float* x = block;
            for (; c < end; c++, x++, w0 += b, pf += b)
            {
                if (Sse.IsSupported) Sse.Prefetch1(pf);
                var v0 = TLanes.Load(w0);
                var v1 = TLanes.Load(w0 + wstride);
                var v2 = TLanes.Load(w0 + 2 * wstride);
                var v3 = TLanes.Load(w0 + 3 * wstride);
                var x0 = TLanes.Splat(x[0]);
                a00 = TLanes.MultiplyAdd(v0, x0, a00); a10 = TLanes.MultiplyAdd(v1, x0, a10);
                a20 = TLanes.MultiplyAdd(v2, x0, a20); a30 = TLanes.MultiplyAdd(v3, x0, a30);
                var x1 = TLanes.Splat(x[o1]);
                a01 = TLanes.MultiplyAdd(v0, x1, a01); a11 = TLanes.MultiplyAdd(v1, x1, a11);
                a21 = TLanes.MultiplyAdd(v2, x1, a21); a31 = TLanes.MultiplyAdd(v3, x1, a31);
                var x2 = TLanes.Splat(x[o2]);
                a02 = TLanes.MultiplyAdd(v0, x2, a02); a12 = TLanes.MultiplyAdd(v1, x2, a12);
                a22 = TLanes.MultiplyAdd(v2, x2, a22); a32 = TLanes.MultiplyAdd(v3, x2, a32);
                var x3 = TLanes.Splat(x[o3]);
                a03 = TLanes.MultiplyAdd(v0, x3, a03); a13 = TLanes.MultiplyAdd(v1, x3, a13);
                a23 = TLanes.MultiplyAdd(v2, x3, a23); a33 = TLanes.MultiplyAdd(v3, x3, a33);
                var x4 = TLanes.Splat(x[o4]);
                a04 = TLanes.MultiplyAdd(v0, x4, a04); a14 = TLanes.MultiplyAdd(v1, x4, a14);
                a24 = TLanes.MultiplyAdd(v2, x4, a24); a34 = TLanes.MultiplyAdd(v3, x4, a34);
                var x5 = TLanes.Splat(x[o5]);
                a05 = TLanes.MultiplyAdd(v0, x5, a05); a15 = TLanes.MultiplyAdd(v1, x5, a15);
                a25 = TLanes.MultiplyAdd(v2, x5, a25); a35 = TLanes.MultiplyAdd(v3, x5, a35);
            }
            block += t.InStride;
        }
        Finish(t, px, pixel, which, a00, a01, a02, a03, a04, a05);
        Finish(t, px, pixel, which + 1, a10, a11, a12, a13, a14, a15);
        Finish(t, px, pixel, which + 2, a20, a21, a22, a23, a24, a25);
        Finish(t, px, pixel, which + 3, a30, a31, a32, a33, a34, a35);
    }

    static void TwoBySix(in BlockedPointwise.Tile t, in TilePixels px, int pixel, int which, float* pf)
    {
        int b = TLanes.Count;
        float* w0 = t.Weights + which * t.WeightStride;
        float* w1 = w0 + t.WeightStride;
        Start(t, px, pixel, which, out var a00, out var a01, out var a02, out var a03, out var a04, out var a05);
        Start(t, px, pixel, which + 1, out var a10, out var a11, out var a12, out var a13, out var a14, out var a15);
        float* block = t.Input + (nint)pixel * b;
        nint o1 = px.O1, o2 = px.O2, o3 = px.O3, o4 = px.O4, o5 = px.O5;
        int c = 0;
        while (c < t.Inputs)
        {
            int end = Math.Min(t.Inputs, c + b);
            float* x = block;
            for (; c < end; c++, x++, w0 += b, w1 += b, pf += b)
            {
                if (Sse.IsSupported) Sse.Prefetch1(pf);
                var v0 = TLanes.Load(w0);
                var v1 = TLanes.Load(w1);
                var x0 = TLanes.Splat(x[0]);
                a00 = TLanes.MultiplyAdd(v0, x0, a00);
                a10 = TLanes.MultiplyAdd(v1, x0, a10);
                var x1 = TLanes.Splat(x[o1]);
                a01 = TLanes.MultiplyAdd(v0, x1, a01);
                a11 = TLanes.MultiplyAdd(v1, x1, a11);
                var x2 = TLanes.Splat(x[o2]);
                a02 = TLanes.MultiplyAdd(v0, x2, a02);
                a12 = TLanes.MultiplyAdd(v1, x2, a12);
                var x3 = TLanes.Splat(x[o3]);
                a03 = TLanes.MultiplyAdd(v0, x3, a03);
                a13 = TLanes.MultiplyAdd(v1, x3, a13);
                var x4 = TLanes.Splat(x[o4]);
                a04 = TLanes.MultiplyAdd(v0, x4, a04);
                a14 = TLanes.MultiplyAdd(v1, x4, a14);
                var x5 = TLanes.Splat(x[o5]);
                a05 = TLanes.MultiplyAdd(v0, x5, a05);
                a15 = TLanes.MultiplyAdd(v1, x5, a15);
            }
            block += t.InStride;
        }
        Finish(t, px, pixel, which, a00, a01, a02, a03, a04, a05);
        Finish(t, px, pixel, which + 1, a10, a11, a12, a13, a14, a15);
    }

    /// <summary>One output block over two tiles of six pixels, the second at <paramref name="pixel"/> + 6.</summary>
    static void OneByTwelve(in BlockedPointwise.Tile t, in TilePixels px, in TilePixels py, int pixel, float* pf)
    {
        int b = TLanes.Count, second = pixel + BlockedPointwise.Pixels;
        float* w0 = t.Weights;
        Start(t, px, pixel, 0, out var a0, out var a1, out var a2, out var a3, out var a4, out var a5);
        Start(t, py, second, 0, out var a6, out var a7, out var a8, out var a9, out var a10, out var a11);
        float* block = t.Input + (nint)pixel * b;
        nint o1 = px.O1, o2 = px.O2, o3 = px.O3, o4 = px.O4, o5 = px.O5;
        nint o6 = BlockedPointwise.Pixels * b, o7 = o6 + py.O1, o8 = o6 + py.O2, o9 = o6 + py.O3, o10 = o6 + py.O4, o11 = o6 + py.O5;
        int c = 0;
        while (c < t.Inputs)
        {
            int end = Math.Min(t.Inputs, c + b);
            float* x = block;
            for (; c < end; c++, x++, w0 += b, pf += b)
            {
                if (Sse.IsSupported) Sse.Prefetch1(pf);
                var v0 = TLanes.Load(w0);
                a0 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[0]), a0);
                a1 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o1]), a1);
                a2 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o2]), a2);
                a3 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o3]), a3);
                a4 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o4]), a4);
                a5 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o5]), a5);
                a6 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o6]), a6);
                a7 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o7]), a7);
                a8 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o8]), a8);
                a9 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o9]), a9);
                a10 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o10]), a10);
                a11 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o11]), a11);
            }
            block += t.InStride;
        }
        Finish(t, px, pixel, 0, a0, a1, a2, a3, a4, a5);
        Finish(t, py, second, 0, a6, a7, a8, a9, a10, a11);
    }

    static void OneBySix(in BlockedPointwise.Tile t, in TilePixels px, int pixel, int which, float* pf)
    {
        int b = TLanes.Count;
        float* w0 = t.Weights + which * t.WeightStride;
        Start(t, px, pixel, which, out var a0, out var a1, out var a2, out var a3, out var a4, out var a5);
        float* block = t.Input + (nint)pixel * b;
        nint o1 = px.O1, o2 = px.O2, o3 = px.O3, o4 = px.O4, o5 = px.O5;
        int c = 0;
        while (c < t.Inputs)
        {
            int end = Math.Min(t.Inputs, c + b);
            float* x = block;
            for (; c < end; c++, x++, w0 += b, pf += b)
            {
                if (Sse.IsSupported) Sse.Prefetch1(pf);
                var v0 = TLanes.Load(w0);
                a0 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[0]), a0);
                a1 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o1]), a1);
                a2 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o2]), a2);
                a3 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o3]), a3);
                a4 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o4]), a4);
                a5 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o5]), a5);
            }
            block += t.InStride;
        }
        Finish(t, px, pixel, which, a0, a1, a2, a3, a4, a5);
    }

    /// <summary>The six starting sums of output block <paramref name="which"/>: its bias, or what the chunks before left in the output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Start(in BlockedPointwise.Tile t, in TilePixels px, int pixel, int which,
        out TVec a0, out TVec a1, out TVec a2, out TVec a3, out TVec a4, out TVec a5)
    {
        if (t.FromBias)
        {
            a0 = a1 = a2 = a3 = a4 = a5 = TLanes.Load(t.Bias + which * TLanes.Count);
            return;
        }
        float* at = t.Output + which * t.OutStride + (nint)pixel * TLanes.Count;
        a0 = TLanes.Load(at); a1 = TLanes.Load(at + px.O1); a2 = TLanes.Load(at + px.O2);
        a3 = TLanes.Load(at + px.O3); a4 = TLanes.Load(at + px.O4); a5 = TLanes.Load(at + px.O5);
    }

    /// <summary>The seventh pixel's starting sum of output block <paramref name="which"/> (see <see cref="Start"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TVec StartSeventh(in BlockedPointwise.Tile t, in TilePixels px, int pixel, int which) => t.FromBias
        ? TLanes.Load(t.Bias + which * TLanes.Count)
        : TLanes.Load(t.Output + which * t.OutStride + (nint)pixel * TLanes.Count + px.O6);

    /// <summary>The seventh pixel's sum of output block <paramref name="which"/> to the output, if the tile has seven (see <see cref="Finish"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void FinishSeventh(in BlockedPointwise.Tile t, in TilePixels px, int pixel, int which, TVec a6)
    {
        if (px.Count < 7)
            return;
        nint at = (nint)pixel * TLanes.Count + px.O6;
        if (t.Final)
            Store(t, a6, at, which);
        else
            TLanes.Store(a6, t.Output + which * t.OutStride + at);
    }

    /// <summary>The first <see cref="TilePixels.Count"/> of six sums of output block <paramref name="which"/> to the output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Finish(in BlockedPointwise.Tile t, in TilePixels px, int pixel, int which, TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5)
    {
        int b = TLanes.Count, n = px.Count;
        nint at = (nint)pixel * b;
        if (!t.Final)
        {
            float* s = t.Output + which * t.OutStride + at;
            TLanes.Store(a0, s);
            if (n > 1) TLanes.Store(a1, s + b);
            if (n > 2) TLanes.Store(a2, s + 2 * b);
            if (n > 3) TLanes.Store(a3, s + 3 * b);
            if (n > 4) TLanes.Store(a4, s + 4 * b);
            if (n > 5) TLanes.Store(a5, s + 5 * b);
            return;
        }
        Store(t, a0, at, which);
        if (n > 1) Store(t, a1, at + b, which);
        if (n > 2) Store(t, a2, at + 2 * b, which);
        if (n > 3) Store(t, a3, at + 3 * b, which);
        if (n > 4) Store(t, a4, at + 4 * b, which);
        if (n > 5) Store(t, a5, at + 5 * b, which);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(in BlockedPointwise.Tile t, TVec acc, nint at, int which)
    {
        at += which * t.OutStride;
        if (t.Residual != null)
            acc = TLanes.Add(acc, TLanes.Load(t.Residual + at));
        TLanes.Store(TLanes.Clamp(acc, TLanes.Splat(t.Lo), TLanes.Splat(t.Hi)), t.Output + at);
    }
}
