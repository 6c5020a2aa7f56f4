using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// 1x1 convolution (stride 1, no padding, group 1) on channel-blocked tensors: output channels in
/// the lanes. A tile is two output blocks by six pixels, twelve accumulators (four blocks, 24, with
/// the 32 registers of AVX-512); each input channel adds its weight vectors times the six pixels'
/// value of that channel (broadcast), so the
/// pixel count needs no vector alignment (49 pixels at 7x7 leave one pixel, not a ragged tile).
/// Output = clamp(conv + bias (+ residual), lo, hi), the residual blocked like the output.
/// </summary>
internal static unsafe class BlockedPointwise
{
    internal const int Pixels = 6;

    /// <summary>Weights outputs x inputs to [output blocks][inputs][block], the lanes past the outputs zero.</summary>
    public static float[] PackWeights(ReadOnlySpan<float> weights, int outputs, int inputs, int block)
    {
        int blocks = (outputs + block - 1) / block;
        var packed = new float[(long)blocks * inputs * block];
        for (int o = 0; o < outputs; o++)
        {
            for (int c = 0; c < inputs; c++)
                packed[((long)(o / block) * inputs + c) * block + o % block] = weights[o * inputs + c];
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
            var job = new Job
            {
                Block = block, Input = pin, Output = pout, Residual = residual.IsEmpty ? null : pres, Weights = pw, Bias = pb,
                Inputs = inputs, InBlocks = inBlocks, OutBlocks = outBlocks, Plane = plane, Lo = activation.Min, Hi = activation.Max,
            };
            // A task: a run of pixel tiles with every output block, so each thread keeps to its part
            // of the image from layer to layer; or, where the weights outweigh an image's input (small
            // late planes, many channels), a run of output groups over every pixel, so each thread
            // reads only its share of the weights. Images outermost either way.
            job.Tiles = (plane + Pixels - 1) / Pixels;
            job.Group = block == 16 ? 4 : 2;
            job.Groups = (outBlocks + job.Group - 1) / job.Group;
            job.ByGroups = (long)outBlocks * inputs > (long)inBlocks * plane;
            job.Units = (long)batch * (job.ByGroups ? job.Groups : job.Tiles);
            double work = (double)plane * inputs * outBlocks;
            job.Tasks = WorkSplit.Tasks(pool, job.Units, work * batch / job.Units);
            WorkerPool.For(pool, job.Tasks, job);
        }
    }

    struct Job : IParallelJob
    {
        public int Block, Inputs, InBlocks, OutBlocks, Plane, Group, Groups, Tiles, Tasks;
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
            {
                // Group by group over the run: a group's weights stay in cache across its tiles.
                for (int ob = 0; ob < OutBlocks; ob += Group)
                    Run(image, ob, first * Pixels, Math.Min(Plane, last * Pixels));
            }
        }

        /// <summary>Output blocks [ob, ob + Group) of one image, pixels [first, last).</summary>
        readonly void Run(int image, int ob, int first, int last)
        {
            nint outPlane = (nint)Plane * Block;
            var tile = new Tile
            {
                Input = Input + (nint)image * InBlocks * outPlane,
                InStride = outPlane,
                Inputs = Inputs,
                Output = Output + ((nint)image * OutBlocks + ob) * outPlane,
                Residual = Residual == null ? null : Residual + ((nint)image * OutBlocks + ob) * outPlane,
                OutStride = outPlane,
                Weights = Weights + (nint)ob * Inputs * Block,
                Bias = Bias + (nint)ob * Block,
                Blocks = Math.Min(Group, OutBlocks - ob),
                Lo = Lo, Hi = Hi,
            };
            if (Block == 16)
                BlockedPointwise<Lanes512, Vector512<float>>.Run(tile, first, last);
            else
                BlockedPointwise<Lanes256, Vector256<float>>.Run(tile, first, last);
        }
    }

    /// <summary>A group of output blocks of one image: pointers at their first pixel (input at block 0).</summary>
    internal struct Tile
    {
        public float* Input, Output, Residual, Weights, Bias;
        public nint InStride, OutStride;
        public int Inputs, Blocks;
        public float Lo, Hi;
    }
}

/// <summary>The vector loops of <see cref="BlockedPointwise"/>, once per lane width.</summary>
static unsafe class BlockedPointwise<TLanes, TVec> where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged
{
    /// <summary>Pixels [first, last) of the tile's output blocks.</summary>
    public static void Run(in BlockedPointwise.Tile t, int first, int last)
    {
        int p = first;
        for (; p + BlockedPointwise.Pixels <= last; p += BlockedPointwise.Pixels)
        {
            int o = 0;
            // The JIT drops the branch for 256-bit lanes, whose 16 registers cannot hold 24 sums.
            if (TLanes.Count == 16)
            {
                for (; o + 4 <= t.Blocks; o += 4)
                    FourBySix(t, p, o);
            }
            for (; o + 2 <= t.Blocks; o += 2)
                TwoBySix(t, p, o);
            if (o < t.Blocks)
                OneBySix(t, p, o);
        }
        for (; p < last; p++)
        {
            for (int o = 0; o < t.Blocks; o++)
                OneByOne(t, p, o);
        }
    }

    static void FourBySix(in BlockedPointwise.Tile t, int pixel, int which)
    {
        int b = TLanes.Count;
        nint wstride = (nint)t.Inputs * b;
        float* w0 = t.Weights + which * wstride;
        var b0 = TLanes.Load(t.Bias + which * b);
        var b1 = TLanes.Load(t.Bias + (which + 1) * b);
        var b2 = TLanes.Load(t.Bias + (which + 2) * b);
        var b3 = TLanes.Load(t.Bias + (which + 3) * b);
        TVec a00 = b0, a01 = b0, a02 = b0, a03 = b0, a04 = b0, a05 = b0;
        TVec a10 = b1, a11 = b1, a12 = b1, a13 = b1, a14 = b1, a15 = b1;
        TVec a20 = b2, a21 = b2, a22 = b2, a23 = b2, a24 = b2, a25 = b2;
        TVec a30 = b3, a31 = b3, a32 = b3, a33 = b3, a34 = b3, a35 = b3;
        float* block = t.Input + (nint)pixel * b;
        int c = 0;
        while (c < t.Inputs)
        {
            int end = Math.Min(t.Inputs, c + b);
            float* x = block;
            for (; c < end; c++, x++, w0 += b)
            {
                var v0 = TLanes.Load(w0);
                var v1 = TLanes.Load(w0 + wstride);
                var v2 = TLanes.Load(w0 + 2 * wstride);
                var v3 = TLanes.Load(w0 + 3 * wstride);
                var x0 = TLanes.Splat(x[0]);
                a00 = TLanes.MultiplyAdd(v0, x0, a00); a10 = TLanes.MultiplyAdd(v1, x0, a10);
                a20 = TLanes.MultiplyAdd(v2, x0, a20); a30 = TLanes.MultiplyAdd(v3, x0, a30);
                var x1 = TLanes.Splat(x[b]);
                a01 = TLanes.MultiplyAdd(v0, x1, a01); a11 = TLanes.MultiplyAdd(v1, x1, a11);
                a21 = TLanes.MultiplyAdd(v2, x1, a21); a31 = TLanes.MultiplyAdd(v3, x1, a31);
                var x2 = TLanes.Splat(x[2 * b]);
                a02 = TLanes.MultiplyAdd(v0, x2, a02); a12 = TLanes.MultiplyAdd(v1, x2, a12);
                a22 = TLanes.MultiplyAdd(v2, x2, a22); a32 = TLanes.MultiplyAdd(v3, x2, a32);
                var x3 = TLanes.Splat(x[3 * b]);
                a03 = TLanes.MultiplyAdd(v0, x3, a03); a13 = TLanes.MultiplyAdd(v1, x3, a13);
                a23 = TLanes.MultiplyAdd(v2, x3, a23); a33 = TLanes.MultiplyAdd(v3, x3, a33);
                var x4 = TLanes.Splat(x[4 * b]);
                a04 = TLanes.MultiplyAdd(v0, x4, a04); a14 = TLanes.MultiplyAdd(v1, x4, a14);
                a24 = TLanes.MultiplyAdd(v2, x4, a24); a34 = TLanes.MultiplyAdd(v3, x4, a34);
                var x5 = TLanes.Splat(x[5 * b]);
                a05 = TLanes.MultiplyAdd(v0, x5, a05); a15 = TLanes.MultiplyAdd(v1, x5, a15);
                a25 = TLanes.MultiplyAdd(v2, x5, a25); a35 = TLanes.MultiplyAdd(v3, x5, a35);
            }
            block += t.InStride;
        }
        nint at = (nint)pixel * b;
        Store(t, a00, at, which); Store(t, a01, at + b, which); Store(t, a02, at + 2 * b, which);
        Store(t, a03, at + 3 * b, which); Store(t, a04, at + 4 * b, which); Store(t, a05, at + 5 * b, which);
        Store(t, a10, at, which + 1); Store(t, a11, at + b, which + 1); Store(t, a12, at + 2 * b, which + 1);
        Store(t, a13, at + 3 * b, which + 1); Store(t, a14, at + 4 * b, which + 1); Store(t, a15, at + 5 * b, which + 1);
        Store(t, a20, at, which + 2); Store(t, a21, at + b, which + 2); Store(t, a22, at + 2 * b, which + 2);
        Store(t, a23, at + 3 * b, which + 2); Store(t, a24, at + 4 * b, which + 2); Store(t, a25, at + 5 * b, which + 2);
        Store(t, a30, at, which + 3); Store(t, a31, at + b, which + 3); Store(t, a32, at + 2 * b, which + 3);
        Store(t, a33, at + 3 * b, which + 3); Store(t, a34, at + 4 * b, which + 3); Store(t, a35, at + 5 * b, which + 3);
    }

    static void TwoBySix(in BlockedPointwise.Tile t, int pixel, int which)
    {
        int b = TLanes.Count;
        float* w0 = t.Weights + (nint)which * t.Inputs * b;
        float* w1 = w0 + (nint)t.Inputs * b;
        var b0 = TLanes.Load(t.Bias + which * b);
        var b1 = TLanes.Load(t.Bias + (which + 1) * b);
        TVec a00 = b0, a01 = b0, a02 = b0, a03 = b0, a04 = b0, a05 = b0;
        TVec a10 = b1, a11 = b1, a12 = b1, a13 = b1, a14 = b1, a15 = b1;
        float* block = t.Input + (nint)pixel * b;
        int c = 0;
        while (c < t.Inputs)
        {
            int end = Math.Min(t.Inputs, c + b);
            float* x = block;
            for (; c < end; c++, x++, w0 += b, w1 += b)
            {
                var v0 = TLanes.Load(w0);
                var v1 = TLanes.Load(w1);
                var x0 = TLanes.Splat(x[0]);
                a00 = TLanes.MultiplyAdd(v0, x0, a00);
                a10 = TLanes.MultiplyAdd(v1, x0, a10);
                var x1 = TLanes.Splat(x[b]);
                a01 = TLanes.MultiplyAdd(v0, x1, a01);
                a11 = TLanes.MultiplyAdd(v1, x1, a11);
                var x2 = TLanes.Splat(x[2 * b]);
                a02 = TLanes.MultiplyAdd(v0, x2, a02);
                a12 = TLanes.MultiplyAdd(v1, x2, a12);
                var x3 = TLanes.Splat(x[3 * b]);
                a03 = TLanes.MultiplyAdd(v0, x3, a03);
                a13 = TLanes.MultiplyAdd(v1, x3, a13);
                var x4 = TLanes.Splat(x[4 * b]);
                a04 = TLanes.MultiplyAdd(v0, x4, a04);
                a14 = TLanes.MultiplyAdd(v1, x4, a14);
                var x5 = TLanes.Splat(x[5 * b]);
                a05 = TLanes.MultiplyAdd(v0, x5, a05);
                a15 = TLanes.MultiplyAdd(v1, x5, a15);
            }
            block += t.InStride;
        }
        nint at = (nint)pixel * b;
        Store(t, a00, at, which); Store(t, a01, at + b, which); Store(t, a02, at + 2 * b, which);
        Store(t, a03, at + 3 * b, which); Store(t, a04, at + 4 * b, which); Store(t, a05, at + 5 * b, which);
        Store(t, a10, at, which + 1); Store(t, a11, at + b, which + 1); Store(t, a12, at + 2 * b, which + 1);
        Store(t, a13, at + 3 * b, which + 1); Store(t, a14, at + 4 * b, which + 1); Store(t, a15, at + 5 * b, which + 1);
    }

    static void OneBySix(in BlockedPointwise.Tile t, int pixel, int which)
    {
        int b = TLanes.Count;
        float* w0 = t.Weights + (nint)which * t.Inputs * b;
        var b0 = TLanes.Load(t.Bias + which * b);
        TVec a0 = b0, a1 = b0, a2 = b0, a3 = b0, a4 = b0, a5 = b0;
        float* block = t.Input + (nint)pixel * b;
        int c = 0;
        while (c < t.Inputs)
        {
            int end = Math.Min(t.Inputs, c + b);
            float* x = block;
            for (; c < end; c++, x++, w0 += b)
            {
                var v0 = TLanes.Load(w0);
                a0 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[0]), a0);
                a1 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[b]), a1);
                a2 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[2 * b]), a2);
                a3 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[3 * b]), a3);
                a4 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[4 * b]), a4);
                a5 = TLanes.MultiplyAdd(v0, TLanes.Splat(x[5 * b]), a5);
            }
            block += t.InStride;
        }
        nint at = (nint)pixel * b;
        Store(t, a0, at, which); Store(t, a1, at + b, which); Store(t, a2, at + 2 * b, which);
        Store(t, a3, at + 3 * b, which); Store(t, a4, at + 4 * b, which); Store(t, a5, at + 5 * b, which);
    }

    static void OneByOne(in BlockedPointwise.Tile t, int pixel, int which)
    {
        int b = TLanes.Count;
        float* w0 = t.Weights + (nint)which * t.Inputs * b;
        var a0 = TLanes.Load(t.Bias + which * b);
        float* block = t.Input + (nint)pixel * b;
        int c = 0;
        while (c < t.Inputs)
        {
            int end = Math.Min(t.Inputs, c + b);
            float* x = block;
            for (; c < end; c++, x++, w0 += b)
                a0 = TLanes.MultiplyAdd(TLanes.Load(w0), TLanes.Splat(x[0]), a0);
            block += t.InStride;
        }
        Store(t, a0, (nint)pixel * b, which);
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
