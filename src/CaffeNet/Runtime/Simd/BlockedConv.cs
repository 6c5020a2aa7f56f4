using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Group-1 convolution of any window (kernel, stride, padding, dilation) on channel-blocked tensors,
/// output channels in the lanes. The input is first copied with its zero border (when padded), so
/// every tap of every output pixel is in bounds and sits at the same offset from the pixel's window
/// corner: a tile is then any six output pixels of the flattened plane (rows need not divide by six),
/// times four output blocks (two with 256-bit lanes), each input channel of each tap adding its
/// weight vectors times the six pixels' values (broadcast). A task is a group of output blocks over a
/// run of pixels; where a group's weights outgrow L2, the input channels are taken in chunks, the
/// sums of the task's pixels kept in scratch between chunks, so every tile of the run reuses a chunk
/// from cache, and the chunk read next is fetched into L2 while this one computes
/// (<see cref="Tile.Prefetch"/>). Output = clamp(conv + bias (+ residual), lo, hi), the residual
/// blocked like the output.
/// </summary>
internal static unsafe class BlockedConv
{
    internal const int Pixels = 6;
    /// <summary>Output pixels a task aims at: eight tiles (nine for a 7x7 plane) share each chunk of weights.</summary>
    const int TaskPixels = 8 * Pixels;
    /// <summary>Bytes of one group's weights for a chunk of input channels: a fifth of Zen 5's 1 MB L2.</summary>
    const int ChunkBytes = 192 * 1024;

    /// <summary>
    /// Weights outputs x inputs x taps to [output blocks][input blocks][taps][input lane][output lane],
    /// the lanes past the outputs or inputs zero.
    /// </summary>
    public static AlignedFloats PackWeights(ReadOnlySpan<float> weights, int outputs, int inputs, int taps, int block)
    {
        int inBlocks = (inputs + block - 1) / block;
        var packed = new AlignedFloats(checked((int)PackedFloats(outputs, inputs, taps, block)));
        var to = packed.Span;
        for (int o = 0; o < outputs; o++)
        {
            for (int c = 0; c < inputs; c++)
            {
                for (int t = 0; t < taps; t++)
                    to[(((o / block * inBlocks + c / block) * taps + t) * block + c % block) * block + o % block] = weights[(o * inputs + c) * taps + t];
            }
        }
        return packed;
    }

    public static long PackedFloats(int outputs, int inputs, int taps, int block) =>
        (long)((outputs + block - 1) / block) * ((inputs + block - 1) / block) * taps * block * block;

    /// <summary>For memory estimates: the padded copy of the input (caller's thread) and the chunk sums (every thread).</summary>
    internal static void NeedScratch(int block, int batch, int inputs, int height, int width, ConvWindow window, ScratchEstimate scratch)
    {
        if (window.PadH > 0 || window.PadW > 0)
            scratch.PerThread(ScratchKind.PaddedInput, PaddedFloats(block, batch, inputs, height, width, window));
        scratch.PerThread(ScratchKind.PartialSums, (long)Group(block) * block * (TaskPixels + Pixels));
    }

    static long PaddedFloats(int block, int batch, int inputs, int height, int width, ConvWindow w) =>
        (long)batch * ((inputs + block - 1) / block) * (height + 2 * w.PadH) * (width + 2 * w.PadW) * block;

    /// <summary>Output blocks a task computes at once: four with the 32 registers of AVX-512, two with AVX2's 16.</summary>
    static int Group(int block) => block == 16 ? 4 : 2;

    /// <summary>
    /// Blocked batch x inputs x height x width to blocked batch x outputs x OutputHeight x OutputWidth;
    /// weights by <see cref="PackWeights"/>, bias by <see cref="BlockedDepthwise.PackChannels"/>, for
    /// <paramref name="block"/> 8 or 16. Work is spread over the pool.
    /// </summary>
    public static void Forward(int block, ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> residual,
        int batch, int inputs, int height, int width, int outputs, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ConvWindow window, Activation activation, WorkerPool? pool)
    {
        window.Check(height, width);
        BlockedIo.CheckBlock(block);
        int oh = window.OutputHeight(height), ow = window.OutputWidth(width), taps = window.KernelH * window.KernelW;
        int inBlocks = (inputs + block - 1) / block, outBlocks = (outputs + block - 1) / block;
        long outFloats = (long)batch * outBlocks * oh * ow * block;
        if (input.Length < (long)batch * inBlocks * height * width * block || output.Length < outFloats || (!residual.IsEmpty && residual.Length < outFloats))
            throw new ArgumentException($"blocked tensors of {batch}x{inputs}x{height}x{width} -> {outputs}x{oh}x{ow} are too short");
        if (weights.Length < PackedFloats(outputs, inputs, taps, block) || bias.Length < outBlocks * block)
            throw new ArgumentException("packed weights or bias too short");
        if (input.Overlaps(output))
            throw new ArgumentException("input must not overlap output", nameof(output));
        int paddedH = height + 2 * window.PadH, paddedW = width + 2 * window.PadW;
        fixed (float* pin = input)
        fixed (float* pout = output)
        fixed (float* pres = residual)
        fixed (float* pw = weights)
        fixed (float* pb = bias)
        {
            float* source = pin;
            if (paddedH != height || paddedW != width)
            {
                // The caller's scratch, read by every worker until this call returns.
                long floats = PaddedFloats(block, batch, inputs, height, width, window);
                source = Scratch.PaddedInput(checked((int)floats));
                var pad = new PadJob
                {
                    Source = pin, Target = source, Block = block, Height = height, Width = width, PadH = window.PadH, PadW = window.PadW,
                };
                WorkerPool.For(pool, batch * inBlocks, pad);
            }
            int group = Group(block);
            int chunkBlocks = Math.Max(1, ChunkBytes / (group * taps * block * block * sizeof(float)));
            int plane = oh * ow;
            // Runs of whole tiles, as even as the plane allows (100 pixels: 36 + 36 + 28, not 48 + 48 + 4).
            // A plane of at most one tile more than a run (7x7: 9 tiles) is one run where the groups
            // alone give every thread a task, so its weights stream from memory once, not twice
            // (ResNet-50's res5 at 512 inputs: 9.4 MB; 0.984 of the time).
            int groups = (outBlocks + group - 1) / group;
            bool oneRun = plane <= TaskPixels + Pixels && (long)batch * groups >= (pool?.ThreadCount ?? 1);
            int runs = oneRun ? 1 : (plane + TaskPixels - 1) / TaskPixels;
            int runPixels = ((plane + runs - 1) / runs + Pixels - 1) / Pixels * Pixels;
            var job = new Job
            {
                Block = block, Input = source, Output = pout, Residual = residual.IsEmpty ? null : pres, Weights = pw, Bias = pb,
                Inputs = inputs, InBlocks = inBlocks, OutBlocks = outBlocks, OutWidth = ow, Plane = plane,
                InPlane = (nint)paddedH * paddedW * block, PaddedWidth = paddedW, Window = window, Lo = activation.Min, Hi = activation.Max,
                Group = group, Groups = groups, RunPixels = runPixels, Runs = (plane + runPixels - 1) / runPixels,
                ChunkBlocks = chunkBlocks, Chunks = (inBlocks + chunkBlocks - 1) / chunkBlocks,
            };
            WorkerPool.For(pool, batch * job.Groups * job.Runs, job);
        }
    }

    /// <summary>One blocked plane into the padded copy, its border zero.</summary>
    struct PadJob : IParallelJob
    {
        public float* Source, Target;
        public int Block, Height, Width, PadH, PadW;

        public readonly void Execute(int index)
        {
            int row = Width * Block, paddedRow = (Width + 2 * PadW) * Block;
            float* src = Source + (nint)index * Height * row;
            float* dst = Target + (nint)index * (Height + 2 * PadH) * paddedRow;
            var border = (nint)PadH * paddedRow;
            new Span<float>(dst, (int)border).Clear();
            dst += border;
            for (int y = 0; y < Height; y++, src += row, dst += paddedRow)
            {
                new Span<float>(dst, PadW * Block).Clear();
                new ReadOnlySpan<float>(src, row).CopyTo(new Span<float>(dst + PadW * Block, row));
                new Span<float>(dst + PadW * Block + row, PadW * Block).Clear();
            }
            new Span<float>(dst, (int)border).Clear();
        }
    }

    internal struct Job : IParallelJob
    {
        public int Block, Inputs, InBlocks, OutBlocks, OutWidth, Plane, PaddedWidth, Group, Groups, RunPixels, Runs, ChunkBlocks, Chunks;
        public nint InPlane;
        public float* Input, Output, Residual, Weights, Bias;
        public ConvWindow Window;
        public float Lo, Hi;

        /// <summary>
        /// Where the weights read after chunk <paramref name="chunk"/> of this task start, in floats from
        /// the weights' start, and their blocks: the group's next chunk; after the last, the first of
        /// the next task's group (runs vary fastest; after the last group, the next image's first). A
        /// chunk fetches as many input blocks as it has, so a short last chunk is fetched as the whole
        /// chunk ending at the row's end, never past it.
        /// </summary>
        internal readonly nint Upcoming(int run, int group, int chunk, out int blocks)
        {
            int ob = group * Group, cb = Math.Min((chunk + 1) * ChunkBlocks, InBlocks - ChunkBlocks);
            if (chunk == Chunks - 1)
            {
                cb = 0;
                if (run == Runs - 1)
                    ob = (group + 1) % Groups * Group;
            }
            blocks = Math.Min(Group, OutBlocks - ob);
            return ((nint)ob * InBlocks + cb) * Window.KernelH * Window.KernelW * Block * Block;
        }

        [SkipLocalsInit]
        public readonly void Execute(int index)
        {
            // Runs vary fastest: neighbouring tasks share a group's weights.
            int run = index % Runs, rest = index / Runs, group = rest % Groups, image = rest / Groups;
            int ob = group * Group, taps = Window.KernelH * Window.KernelW;
            nint outPlane = (nint)Plane * Block;
            nint* offsets = stackalloc nint[taps];
            for (int ky = 0, k = 0; ky < Window.KernelH; ky++)
            {
                for (int kx = 0; kx < Window.KernelW; kx++, k++)
                    offsets[k] = ((nint)ky * Window.DilationH * PaddedWidth + kx * Window.DilationW) * Block;
            }
            int first = run * RunPixels, last = Math.Min(Plane, first + RunPixels);
            var t = new Tile
            {
                Output = Output + ((nint)image * OutBlocks + ob) * outPlane,
                Residual = Residual == null ? null : Residual + ((nint)image * OutBlocks + ob) * outPlane,
                OutStride = outPlane,
                Bias = Bias + (nint)ob * Block,
                Partial = Chunks > 1 ? Scratch.PartialSums(Group * Block * RunPixels) : null,
                PartialStride = (nint)RunPixels * Block,
                First = first,
                Taps = taps, TapOffsets = offsets, InPlane = InPlane,
                WeightStride = (nint)InBlocks * taps * Block * Block,
                Blocks = Math.Min(Group, OutBlocks - ob),
                OutWidth = OutWidth, PaddedWidth = PaddedWidth, StrideH = Window.StrideH, StrideW = Window.StrideW,
                Lo = Lo, Hi = Hi,
            };
            for (int chunk = 0; chunk < Chunks; chunk++)
            {
                int cb = chunk * ChunkBlocks;
                t.Input = Input + ((nint)image * InBlocks + cb) * InPlane;
                t.Weights = Weights + ((nint)ob * InBlocks + cb) * taps * Block * Block;
                t.InBlocks = Math.Min(ChunkBlocks, InBlocks - cb);
                t.LastLanes = Math.Min(Block, Inputs - (cb + t.InBlocks - 1) * Block);
                t.FromBias = chunk == 0;
                t.Final = chunk == Chunks - 1;
                t.Prefetch = Weights + Upcoming(run, group, chunk, out t.PrefetchBlocks);
                if (Block == 16)
                    BlockedConv<Lanes512, Vector512<float>>.Run(t, first, last);
                else
                    BlockedConv<Lanes256, Vector256<float>>.Run(t, first, last);
            }
        }
    }

    /// <summary>
    /// A group of output blocks of one image over one chunk of input blocks: input at the chunk's
    /// first block (padded planes), weights at the group's first block and the chunk's first input block.
    /// </summary>
    internal struct Tile
    {
        public float* Input, Output, Residual, Weights, Bias, Partial;
        public nint* TapOffsets;
        public nint InPlane, OutStride, WeightStride, PartialStride;
        public int InBlocks, LastLanes, Taps, Blocks, First, OutWidth, PaddedWidth, StrideH, StrideW;
        /// <summary>
        /// The weights read after this chunk (<see cref="Job.Upcoming"/>): the first tiles fetch them
        /// into L2, a block's stream each, a vector per input channel and tap (a cache line with 16
        /// lanes) at the offset the tile's own weights are read from, so they come from L3 while
        /// this chunk computes (ResNet-50's 7x7 res5 has one run per group: 0.978 of the net's time).
        /// </summary>
        public float* Prefetch;
        public int PrefetchBlocks;
        /// <summary>Sums start from the bias (else from the partial sums); the epilogue writes the output (else the partial sums).</summary>
        public bool FromBias, Final;
        public float Lo, Hi;
    }
}

/// <summary>The vector loops of <see cref="BlockedConv"/>, once per lane width.</summary>
static unsafe class BlockedConv<TLanes, TVec> where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged
{
    /// <summary>Pixels [first, last) of the tile's output blocks.</summary>
    public static void Run(in BlockedConv.Tile t, int first, int last)
    {
        int b = TLanes.Count, call = 0;
        for (int p = first; p < last; p += BlockedConv.Pixels)
        {
            // A short last tile repeats its last pixel; the repeats are not stored.
            int n = Math.Min(BlockedConv.Pixels, last - p);
            nint c0 = Corner(t, p), c1 = Corner(t, p + Math.Min(1, n - 1)), c2 = Corner(t, p + Math.Min(2, n - 1));
            nint c3 = Corner(t, p + Math.Min(3, n - 1)), c4 = Corner(t, p + Math.Min(4, n - 1)), c5 = Corner(t, p + Math.Min(5, n - 1));
            var x = new Pixels(t.Input + c0, c1 - c0, c2 - c0, c3 - c0, c4 - c0, c5 - c0);
            int o = 0;
            // The JIT drops the branch for 256-bit lanes, whose 16 registers cannot hold 24 sums.
            if (b == 16)
            {
                for (; o + 4 <= t.Blocks; o += 4)
                    FourBySix(t, x, p, n, o, Ahead(t, call++));
            }
            for (; o + 2 <= t.Blocks; o += 2)
                TwoBySix(t, x, p, n, o, Ahead(t, call++));
            if (o < t.Blocks)
                OneBySix(t, x, p, n, o, Ahead(t, call++));
        }
    }

    /// <summary>Where the <paramref name="call"/>-th kernel call of a chunk prefetches: a block of the next chunk's weights, else its own (in cache already).</summary>
    static float* Ahead(in BlockedConv.Tile t, int call) =>
        call < t.PrefetchBlocks ? t.Prefetch + call * t.WeightStride : t.Weights;

    /// <summary>Where output pixel <paramref name="p"/>'s window starts in a padded input plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static nint Corner(in BlockedConv.Tile t, int p)
    {
        int oy = p / t.OutWidth, ox = p - oy * t.OutWidth;
        return ((nint)oy * t.StrideH * t.PaddedWidth + (nint)ox * t.StrideW) * TLanes.Count;
    }

    /// <summary>The first pixel's window corner and the other five's offsets from it.</summary>
    readonly struct Pixels(float* at, nint o1, nint o2, nint o3, nint o4, nint o5)
    {
        public readonly float* At = at;
        public readonly nint O1 = o1, O2 = o2, O3 = o3, O4 = o4, O5 = o5;
    }

    static void FourBySix(in BlockedConv.Tile t, in Pixels px, int pixel, int n, int which, float* pf)
    {
        int b = TLanes.Count;
        nint ws = t.WeightStride;
        TVec a00, a01, a02, a03, a04, a05, a10, a11, a12, a13, a14, a15;
        TVec a20, a21, a22, a23, a24, a25, a30, a31, a32, a33, a34, a35;
        a00 = Sum(t, pixel, which, 0); a01 = Sum(t, pixel, which, 1); a02 = Sum(t, pixel, which, 2);
        a03 = Sum(t, pixel, which, 3); a04 = Sum(t, pixel, which, 4); a05 = Sum(t, pixel, which, 5);
        a10 = Sum(t, pixel, which + 1, 0); a11 = Sum(t, pixel, which + 1, 1); a12 = Sum(t, pixel, which + 1, 2);
        a13 = Sum(t, pixel, which + 1, 3); a14 = Sum(t, pixel, which + 1, 4); a15 = Sum(t, pixel, which + 1, 5);
        a20 = Sum(t, pixel, which + 2, 0); a21 = Sum(t, pixel, which + 2, 1); a22 = Sum(t, pixel, which + 2, 2);
        a23 = Sum(t, pixel, which + 2, 3); a24 = Sum(t, pixel, which + 2, 4); a25 = Sum(t, pixel, which + 2, 5);
        a30 = Sum(t, pixel, which + 3, 0); a31 = Sum(t, pixel, which + 3, 1); a32 = Sum(t, pixel, which + 3, 2);
        a33 = Sum(t, pixel, which + 3, 3); a34 = Sum(t, pixel, which + 3, 4); a35 = Sum(t, pixel, which + 3, 5);
        nint o1 = px.O1, o2 = px.O2, o3 = px.O3, o4 = px.O4, o5 = px.O5;
        float* w = t.Weights + which * ws;
        nint ahead = (nint)(pf - w); // the prefetch stream keeps the loads' layout, short last blocks too
        for (int cb = 0; cb < t.InBlocks; cb++)
        {
            int lanes = cb == t.InBlocks - 1 ? t.LastLanes : b;
            float* plane = px.At + cb * t.InPlane;
            for (int k = 0; k < t.Taps; k++)
            {
                float* x = plane + t.TapOffsets[k];
                float* wk = w + ((nint)cb * t.Taps + k) * b * b;
                for (int c = 0; c < lanes; c++, x++, wk += b)
                {
                    if (Sse.IsSupported) Sse.Prefetch1(wk + ahead);
                    var v0 = TLanes.Load(wk);
                    var v1 = TLanes.Load(wk + ws);
                    var v2 = TLanes.Load(wk + 2 * ws);
                    var v3 = TLanes.Load(wk + 3 * ws);
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
            }
        }
        Finish(t, pixel, n, which, a00, a01, a02, a03, a04, a05);
        Finish(t, pixel, n, which + 1, a10, a11, a12, a13, a14, a15);
        Finish(t, pixel, n, which + 2, a20, a21, a22, a23, a24, a25);
        Finish(t, pixel, n, which + 3, a30, a31, a32, a33, a34, a35);
    }

    static void TwoBySix(in BlockedConv.Tile t, in Pixels px, int pixel, int n, int which, float* pf)
    {
        int b = TLanes.Count;
        nint ws = t.WeightStride;
        TVec a00, a01, a02, a03, a04, a05, a10, a11, a12, a13, a14, a15;
        a00 = Sum(t, pixel, which, 0); a01 = Sum(t, pixel, which, 1); a02 = Sum(t, pixel, which, 2);
        a03 = Sum(t, pixel, which, 3); a04 = Sum(t, pixel, which, 4); a05 = Sum(t, pixel, which, 5);
        a10 = Sum(t, pixel, which + 1, 0); a11 = Sum(t, pixel, which + 1, 1); a12 = Sum(t, pixel, which + 1, 2);
        a13 = Sum(t, pixel, which + 1, 3); a14 = Sum(t, pixel, which + 1, 4); a15 = Sum(t, pixel, which + 1, 5);
        nint o1 = px.O1, o2 = px.O2, o3 = px.O3, o4 = px.O4, o5 = px.O5;
        float* w = t.Weights + which * ws;
        nint ahead = (nint)(pf - w);
        for (int cb = 0; cb < t.InBlocks; cb++)
        {
            int lanes = cb == t.InBlocks - 1 ? t.LastLanes : b;
            float* plane = px.At + cb * t.InPlane;
            for (int k = 0; k < t.Taps; k++)
            {
                float* x = plane + t.TapOffsets[k];
                float* wk = w + ((nint)cb * t.Taps + k) * b * b;
                for (int c = 0; c < lanes; c++, x++, wk += b)
                {
                    if (Sse.IsSupported) Sse.Prefetch1(wk + ahead);
                    var v0 = TLanes.Load(wk);
                    var v1 = TLanes.Load(wk + ws);
                    var x0 = TLanes.Splat(x[0]);
                    a00 = TLanes.MultiplyAdd(v0, x0, a00); a10 = TLanes.MultiplyAdd(v1, x0, a10);
                    var x1 = TLanes.Splat(x[o1]);
                    a01 = TLanes.MultiplyAdd(v0, x1, a01); a11 = TLanes.MultiplyAdd(v1, x1, a11);
                    var x2 = TLanes.Splat(x[o2]);
                    a02 = TLanes.MultiplyAdd(v0, x2, a02); a12 = TLanes.MultiplyAdd(v1, x2, a12);
                    var x3 = TLanes.Splat(x[o3]);
                    a03 = TLanes.MultiplyAdd(v0, x3, a03); a13 = TLanes.MultiplyAdd(v1, x3, a13);
                    var x4 = TLanes.Splat(x[o4]);
                    a04 = TLanes.MultiplyAdd(v0, x4, a04); a14 = TLanes.MultiplyAdd(v1, x4, a14);
                    var x5 = TLanes.Splat(x[o5]);
                    a05 = TLanes.MultiplyAdd(v0, x5, a05); a15 = TLanes.MultiplyAdd(v1, x5, a15);
                }
            }
        }
        Finish(t, pixel, n, which, a00, a01, a02, a03, a04, a05);
        Finish(t, pixel, n, which + 1, a10, a11, a12, a13, a14, a15);
    }

    static void OneBySix(in BlockedConv.Tile t, in Pixels px, int pixel, int n, int which, float* pf)
    {
        int b = TLanes.Count;
        var a0 = Sum(t, pixel, which, 0); var a1 = Sum(t, pixel, which, 1); var a2 = Sum(t, pixel, which, 2);
        var a3 = Sum(t, pixel, which, 3); var a4 = Sum(t, pixel, which, 4); var a5 = Sum(t, pixel, which, 5);
        nint o1 = px.O1, o2 = px.O2, o3 = px.O3, o4 = px.O4, o5 = px.O5;
        float* w = t.Weights + which * t.WeightStride;
        nint ahead = (nint)(pf - w);
        for (int cb = 0; cb < t.InBlocks; cb++)
        {
            int lanes = cb == t.InBlocks - 1 ? t.LastLanes : b;
            float* plane = px.At + cb * t.InPlane;
            for (int k = 0; k < t.Taps; k++)
            {
                float* x = plane + t.TapOffsets[k];
                float* wk = w + ((nint)cb * t.Taps + k) * b * b;
                for (int c = 0; c < lanes; c++, x++, wk += b)
                {
                    if (Sse.IsSupported) Sse.Prefetch1(wk + ahead);
                    var v0 = TLanes.Load(wk);
                    a0 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[0]), a0);
                    a1 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o1]), a1);
                    a2 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o2]), a2);
                    a3 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o3]), a3);
                    a4 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o4]), a4);
                    a5 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[o5]), a5);
                }
            }
        }
        Finish(t, pixel, n, which, a0, a1, a2, a3, a4, a5);
    }

    /// <summary>Slot <paramref name="k"/>'s starting sum: its bias, or the sum of the chunks before.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TVec Sum(in BlockedConv.Tile t, int pixel, int which, int k)
    {
        int b = TLanes.Count;
        if (t.FromBias)
            return TLanes.Load(t.Bias + which * b);
        // Slots past the pixels the tile stores hold stale values; their sums are dropped again.
        return TLanes.Load(t.Partial + which * t.PartialStride + (nint)(pixel - t.First + k) * b);
    }

    /// <summary>The first <paramref name="n"/> of six sums to the output (epilogue) or, before the last chunk, to the partial sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Finish(in BlockedConv.Tile t, int pixel, int n, int which, TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5)
    {
        int b = TLanes.Count;
        if (!t.Final)
        {
            // All six slots: the run's slots are sized in whole tiles.
            float* s = t.Partial + which * t.PartialStride + (nint)(pixel - t.First) * b;
            TLanes.Store(a0, s); TLanes.Store(a1, s + b); TLanes.Store(a2, s + 2 * b);
            TLanes.Store(a3, s + 3 * b); TLanes.Store(a4, s + 4 * b); TLanes.Store(a5, s + 5 * b);
            return;
        }
        nint at = which * t.OutStride + (nint)pixel * b;
        Store(t, a0, at);
        if (n > 1) Store(t, a1, at + b);
        if (n > 2) Store(t, a2, at + 2 * b);
        if (n > 3) Store(t, a3, at + 3 * b);
        if (n > 4) Store(t, a4, at + 4 * b);
        if (n > 5) Store(t, a5, at + 5 * b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(in BlockedConv.Tile t, TVec acc, nint at)
    {
        if (t.Residual != null)
            acc = TLanes.Add(acc, TLanes.Load(t.Residual + at));
        TLanes.Store(TLanes.Clamp(acc, TLanes.Splat(t.Lo), TLanes.Splat(t.Hi)), t.Output + at);
    }
}
