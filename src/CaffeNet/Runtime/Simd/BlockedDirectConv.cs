using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// A group-1 convolution of an NCHW input with few channels (a net's first layer: 3x3 stride 2 on
/// the image) straight into the channel-blocked layout, output channels in the lanes: each tap of
/// each input channel adds a weight vector times the input value (broadcast), for four output blocks
/// by six pixels at a time (two with the 16 registers of AVX2). So the blocked run starts at the
/// first layer with no reorder.
/// Output = clamp(conv + bias (+ residual), lo, hi), the residual blocked like the output.
/// </summary>
internal static unsafe class BlockedDirectConv
{
    internal const int Pixels = 6;

    /// <summary>Weights outputs x channels x taps to [output blocks][channels][taps][block], the lanes past the outputs zero.</summary>
    public static AlignedFloats PackWeights(ReadOnlySpan<float> weights, int outputs, int channels, int taps, int block)
    {
        int blocks = (outputs + block - 1) / block;
        var packed = new AlignedFloats(checked(blocks * channels * taps * block));
        var to = packed.Span;
        for (int o = 0; o < outputs; o++)
        {
            for (int i = 0; i < channels * taps; i++)
                to[(o / block * channels * taps + i) * block + o % block] = weights[o * channels * taps + i];
        }
        return packed;
    }

    /// <summary>
    /// NCHW batch x channels x height x width to blocked batch x outputs x OutputHeight x OutputWidth;
    /// weights by <see cref="PackWeights"/>, bias by <see cref="BlockedDepthwise.PackChannels"/>.
    /// </summary>
    public static void Forward(int block, ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> residual,
        int batch, int channels, int height, int width, int outputs, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ConvWindow window, Activation activation, WorkerPool? pool)
    {
        window.Check(height, width);
        BlockedIo.CheckBlock(block);
        int oh = window.OutputHeight(height), ow = window.OutputWidth(width), taps = window.KernelH * window.KernelW;
        int outBlocks = (outputs + block - 1) / block;
        long outFloats = (long)batch * outBlocks * oh * ow * block;
        if (input.Length < (long)batch * channels * height * width || output.Length < outFloats || (!residual.IsEmpty && residual.Length < outFloats))
            throw new ArgumentException($"tensors of {batch}x{channels}x{height}x{width} -> {outputs}x{oh}x{ow} are too short");
        if (weights.Length < (long)outBlocks * channels * taps * block || bias.Length < outBlocks * block)
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
                Channels = channels, Height = height, Width = width, OutBlocks = outBlocks, OutHeight = oh, OutWidth = ow,
                Window = window, Lo = activation.Min, Hi = activation.Max,
            };
            // A task: a run of output rows (images outermost) with every output block, so each
            // thread keeps to its part of the image from layer to layer.
            job.Group = block == 16 ? 4 : 2;
            job.Groups = (outBlocks + job.Group - 1) / job.Group;
            job.Units = (long)batch * oh;
            job.Tasks = WorkSplit.Tasks(pool, job.Units, (double)outBlocks * channels * taps * ow);
            WorkerPool.For(pool, job.Tasks, job);
        }
    }

    struct Job : IParallelJob
    {
        public int Block, Channels, Height, Width, OutBlocks, OutHeight, OutWidth, Group, Groups, Tasks;
        public long Units;
        public float* Input, Output, Residual, Weights, Bias;
        public ConvWindow Window;
        public float Lo, Hi;

        public readonly void Execute(int index)
        {
            foreach (var (image, first, last) in WorkSplit.Runs(index, Tasks, Units, OutHeight))
            {
                for (int group = 0; group < Groups; group++)
                    Run(image, group * Group, first, last);
            }
        }

        /// <summary>Output blocks [ob, ob + Group) of one image, rows [first, last).</summary>
        readonly void Run(int image, int ob, int first, int last)
        {
            int taps = Window.KernelH * Window.KernelW;
            nint outPlane = (nint)OutHeight * OutWidth * Block;
            var t = new Rows
            {
                Input = Input + (nint)image * Channels * Height * Width,
                Output = Output + ((nint)image * OutBlocks + ob) * outPlane,
                Residual = Residual == null ? null : Residual + ((nint)image * OutBlocks + ob) * outPlane,
                OutStride = outPlane,
                Weights = Weights + (nint)ob * Channels * taps * Block,
                WeightStride = (nint)Channels * taps * Block,
                Bias = Bias + (nint)ob * Block,
                Blocks = Math.Min(Group, OutBlocks - ob),
                Channels = Channels, Height = Height, Width = Width, OutWidth = OutWidth, Window = Window, Lo = Lo, Hi = Hi,
            };
            if (Block == 16)
                BlockedDirectConv<Lanes512, Vector512<float>>.Run(t, first, last);
            else
                BlockedDirectConv<Lanes256, Vector256<float>>.Run(t, first, last);
        }
    }

    /// <summary>A group of output blocks of one image: input at its first channel, output, weights and bias at the first block.</summary>
    internal struct Rows
    {
        public float* Input, Output, Residual, Weights, Bias;
        public nint OutStride, WeightStride;
        public int Channels, Height, Width, OutWidth, Blocks;
        public ConvWindow Window;
        public float Lo, Hi;
    }
}

/// <summary>The vector loops of <see cref="BlockedDirectConv"/>, once per lane width.</summary>
static unsafe class BlockedDirectConv<TLanes, TVec> where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged
{
    public static void Run(in BlockedDirectConv.Rows r, int first, int last)
    {
        var w = r.Window;
        int lo = Math.Min(r.OutWidth, (w.PadW + w.StrideW - 1) / w.StrideW);
        int span = r.Width - 1 - (w.KernelW - 1) * w.DilationW + w.PadW;
        int hi = span < 0 ? lo : Math.Max(lo, Math.Min(r.OutWidth, span / w.StrideW + 1));
        for (int oy = first; oy < last; oy++)
        {
            int iy0 = oy * w.StrideH - w.PadH;
            int ky0 = iy0 >= 0 ? 0 : (-iy0 + w.DilationH - 1) / w.DilationH;
            int ky1 = Math.Min(w.KernelH, (r.Height - iy0 + w.DilationH - 1) / w.DilationH);
            int ox = 0;
            for (; ox < lo; ox++)
                Edges(r, iy0, ky0, ky1, oy, ox);
            for (; ox + BlockedDirectConv.Pixels <= hi; ox += BlockedDirectConv.Pixels)
            {
                int o = 0;
                // The JIT drops the branch for 256-bit lanes, whose 16 registers cannot hold 24 sums.
                if (TLanes.Count == 16)
                {
                    for (; o + 4 <= r.Blocks; o += 4)
                        FourBySix(r, iy0, ky0, ky1, oy, ox, o);
                }
                for (; o < r.Blocks; o += 2)
                    TwoBySix(r, iy0, ky0, ky1, oy, ox, o);
            }
            for (; ox < r.OutWidth; ox++)
                Edges(r, iy0, ky0, ky1, oy, ox);
        }
    }

    /// <summary>Six outputs of one row for blocks which and which + 1 (its sums dropped when there is no such block), every tap inside the row.</summary>
    static void TwoBySix(in BlockedDirectConv.Rows r, int iy0, int ky0, int ky1, int oy, int ox, int which)
    {
        int b = TLanes.Count;
        var w = r.Window;
        int kw = w.KernelW, taps = w.KernelH * kw;
        nint s = w.StrideW;
        bool two = which + 1 < r.Blocks;
        var b0 = TLanes.Load(r.Bias + which * b);
        var b1 = two ? TLanes.Load(r.Bias + (which + 1) * b) : b0;
        TVec a00 = b0, a01 = b0, a02 = b0, a03 = b0, a04 = b0, a05 = b0;
        TVec a10 = b1, a11 = b1, a12 = b1, a13 = b1, a14 = b1, a15 = b1;
        // Without a second block, the second weights are the first's again: same work, stores skipped.
        nint second = two ? r.WeightStride : 0;
        for (int c = 0; c < r.Channels; c++)
        {
            float* plane = r.Input + (nint)c * r.Height * r.Width;
            for (int ky = ky0; ky < ky1; ky++)
            {
                float* x = plane + (nint)(iy0 + ky * w.DilationH) * r.Width + ox * w.StrideW - w.PadW;
                float* wp = r.Weights + which * r.WeightStride + ((nint)c * taps + ky * kw) * b;
                for (int kx = 0; kx < kw; kx++, x += w.DilationW, wp += b)
                {
                    var v0 = TLanes.Load(wp);
                    var v1 = TLanes.Load(wp + second);
                    var x0 = TLanes.Splat(x[0]);
                    a00 = TLanes.MultiplyAdd(v0, x0, a00); a10 = TLanes.MultiplyAdd(v1, x0, a10);
                    var x1 = TLanes.Splat(x[s]);
                    a01 = TLanes.MultiplyAdd(v0, x1, a01); a11 = TLanes.MultiplyAdd(v1, x1, a11);
                    var x2 = TLanes.Splat(x[2 * s]);
                    a02 = TLanes.MultiplyAdd(v0, x2, a02); a12 = TLanes.MultiplyAdd(v1, x2, a12);
                    var x3 = TLanes.Splat(x[3 * s]);
                    a03 = TLanes.MultiplyAdd(v0, x3, a03); a13 = TLanes.MultiplyAdd(v1, x3, a13);
                    var x4 = TLanes.Splat(x[4 * s]);
                    a04 = TLanes.MultiplyAdd(v0, x4, a04); a14 = TLanes.MultiplyAdd(v1, x4, a14);
                    var x5 = TLanes.Splat(x[5 * s]);
                    a05 = TLanes.MultiplyAdd(v0, x5, a05); a15 = TLanes.MultiplyAdd(v1, x5, a15);
                }
            }
        }
        nint at = ((nint)oy * r.OutWidth + ox) * b;
        StoreSix(r, at, which, a00, a01, a02, a03, a04, a05);
        if (two)
            StoreSix(r, at, which + 1, a10, a11, a12, a13, a14, a15);
    }

    /// <summary>Six outputs of one row for blocks which to which + 3, every tap inside the row.</summary>
    static void FourBySix(in BlockedDirectConv.Rows r, int iy0, int ky0, int ky1, int oy, int ox, int which)
    {
        int b = TLanes.Count;
        var w = r.Window;
        int kw = w.KernelW, taps = w.KernelH * kw;
        nint s = w.StrideW, ws = r.WeightStride;
        var b0 = TLanes.Load(r.Bias + which * b);
        var b1 = TLanes.Load(r.Bias + (which + 1) * b);
        var b2 = TLanes.Load(r.Bias + (which + 2) * b);
        var b3 = TLanes.Load(r.Bias + (which + 3) * b);
        TVec a00 = b0, a01 = b0, a02 = b0, a03 = b0, a04 = b0, a05 = b0;
        TVec a10 = b1, a11 = b1, a12 = b1, a13 = b1, a14 = b1, a15 = b1;
        TVec a20 = b2, a21 = b2, a22 = b2, a23 = b2, a24 = b2, a25 = b2;
        TVec a30 = b3, a31 = b3, a32 = b3, a33 = b3, a34 = b3, a35 = b3;
        for (int c = 0; c < r.Channels; c++)
        {
            float* plane = r.Input + (nint)c * r.Height * r.Width;
            for (int ky = ky0; ky < ky1; ky++)
            {
                float* x = plane + (nint)(iy0 + ky * w.DilationH) * r.Width + ox * w.StrideW - w.PadW;
                float* wp = r.Weights + which * ws + ((nint)c * taps + ky * kw) * b;
                for (int kx = 0; kx < kw; kx++, x += w.DilationW, wp += b)
                {
                    var v0 = TLanes.Load(wp);
                    var v1 = TLanes.Load(wp + ws);
                    var v2 = TLanes.Load(wp + 2 * ws);
                    var v3 = TLanes.Load(wp + 3 * ws);
                    var x0 = TLanes.Splat(x[0]);
                    a00 = TLanes.MultiplyAdd(v0, x0, a00); a10 = TLanes.MultiplyAdd(v1, x0, a10);
                    a20 = TLanes.MultiplyAdd(v2, x0, a20); a30 = TLanes.MultiplyAdd(v3, x0, a30);
                    var x1 = TLanes.Splat(x[s]);
                    a01 = TLanes.MultiplyAdd(v0, x1, a01); a11 = TLanes.MultiplyAdd(v1, x1, a11);
                    a21 = TLanes.MultiplyAdd(v2, x1, a21); a31 = TLanes.MultiplyAdd(v3, x1, a31);
                    var x2 = TLanes.Splat(x[2 * s]);
                    a02 = TLanes.MultiplyAdd(v0, x2, a02); a12 = TLanes.MultiplyAdd(v1, x2, a12);
                    a22 = TLanes.MultiplyAdd(v2, x2, a22); a32 = TLanes.MultiplyAdd(v3, x2, a32);
                    var x3 = TLanes.Splat(x[3 * s]);
                    a03 = TLanes.MultiplyAdd(v0, x3, a03); a13 = TLanes.MultiplyAdd(v1, x3, a13);
                    a23 = TLanes.MultiplyAdd(v2, x3, a23); a33 = TLanes.MultiplyAdd(v3, x3, a33);
                    var x4 = TLanes.Splat(x[4 * s]);
                    a04 = TLanes.MultiplyAdd(v0, x4, a04); a14 = TLanes.MultiplyAdd(v1, x4, a14);
                    a24 = TLanes.MultiplyAdd(v2, x4, a24); a34 = TLanes.MultiplyAdd(v3, x4, a34);
                    var x5 = TLanes.Splat(x[5 * s]);
                    a05 = TLanes.MultiplyAdd(v0, x5, a05); a15 = TLanes.MultiplyAdd(v1, x5, a15);
                    a25 = TLanes.MultiplyAdd(v2, x5, a25); a35 = TLanes.MultiplyAdd(v3, x5, a35);
                }
            }
        }
        nint at = ((nint)oy * r.OutWidth + ox) * b;
        StoreSix(r, at, which, a00, a01, a02, a03, a04, a05);
        StoreSix(r, at, which + 1, a10, a11, a12, a13, a14, a15);
        StoreSix(r, at, which + 2, a20, a21, a22, a23, a24, a25);
        StoreSix(r, at, which + 3, a30, a31, a32, a33, a34, a35);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreSix(in BlockedDirectConv.Rows r, nint at, int which, TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5)
    {
        int b = TLanes.Count;
        Store(r, a0, at, which); Store(r, a1, at + b, which); Store(r, a2, at + 2 * b, which);
        Store(r, a3, at + 3 * b, which); Store(r, a4, at + 4 * b, which); Store(r, a5, at + 5 * b, which);
    }

    /// <summary>One output whose window may cross the left or right border, for every block of the group.</summary>
    static void Edges(in BlockedDirectConv.Rows r, int iy0, int ky0, int ky1, int oy, int ox)
    {
        for (int o = 0; o < r.Blocks; o += 2)
            Edge(r, iy0, ky0, ky1, oy, ox, o);
    }

    /// <summary>
    /// One output whose window may cross the left or right border, blocks which and which + 1 (when
    /// there is one) at once; even and odd rows of taps into separate sums, so four FMA chains run
    /// side by side rather than one long one.
    /// </summary>
    static void Edge(in BlockedDirectConv.Rows r, int iy0, int ky0, int ky1, int oy, int ox, int which)
    {
        int b = TLanes.Count;
        var w = r.Window;
        int kw = w.KernelW, taps = w.KernelH * kw, ix0 = ox * w.StrideW - w.PadW;
        bool two = which + 1 < r.Blocks;
        nint second = two ? r.WeightStride : 0;
        var a0 = TLanes.Load(r.Bias + which * b);
        var a1 = two ? TLanes.Load(r.Bias + (which + 1) * b) : a0;
        var zero = TLanes.Splat(0);
        var e0 = zero;
        var e1 = zero;
        for (int c = 0; c < r.Channels; c++)
        {
            float* plane = r.Input + (nint)c * r.Height * r.Width;
            for (int ky = ky0; ky < ky1; ky++)
            {
                float* row = plane + (nint)(iy0 + ky * w.DilationH) * r.Width;
                float* wp = r.Weights + which * r.WeightStride + ((nint)c * taps + ky * kw) * b;
                bool odd = ((ky - ky0) & 1) != 0;
                for (int kx = 0; kx < kw; kx++, wp += b)
                {
                    int ix = ix0 + kx * w.DilationW;
                    if ((uint)ix >= (uint)r.Width)
                        continue;
                    var x = TLanes.Splat(row[ix]);
                    if (odd)
                    {
                        e0 = TLanes.MultiplyAdd(TLanes.Load(wp), x, e0);
                        e1 = TLanes.MultiplyAdd(TLanes.Load(wp + second), x, e1);
                    }
                    else
                    {
                        a0 = TLanes.MultiplyAdd(TLanes.Load(wp), x, a0);
                        a1 = TLanes.MultiplyAdd(TLanes.Load(wp + second), x, a1);
                    }
                }
            }
        }
        nint at = ((nint)oy * r.OutWidth + ox) * b;
        Store(r, TLanes.Add(a0, e0), at, which);
        if (two)
            Store(r, TLanes.Add(a1, e1), at, which + 1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(in BlockedDirectConv.Rows r, TVec acc, nint at, int which)
    {
        at += which * r.OutStride;
        if (r.Residual != null)
            acc = TLanes.Add(acc, TLanes.Load(r.Residual + at));
        TLanes.Store(TLanes.Clamp(acc, TLanes.Splat(r.Lo), TLanes.Splat(r.Hi)), r.Output + at);
    }
}
