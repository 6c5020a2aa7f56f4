using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// A group-1 convolution of an NCHW input with few channels (a net's first layer: 3x3 stride 2 on
/// the image) straight into the channel-blocked layout, output channels in the lanes: each tap of
/// each input channel adds a weight vector times the input value (broadcast), for two output blocks
/// by six pixels at a time. So the blocked run starts at the first layer with no reorder.
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
            job.Pairs = (outBlocks + 1) / 2;
            job.Units = (long)batch * oh;
            job.Tasks = WorkSplit.Tasks(pool, job.Units, (double)outBlocks * channels * taps * ow);
            WorkerPool.For(pool, job.Tasks, job);
        }
    }

    struct Job : IParallelJob
    {
        public int Block, Channels, Height, Width, OutBlocks, OutHeight, OutWidth, Pairs, Tasks;
        public long Units;
        public float* Input, Output, Residual, Weights, Bias;
        public ConvWindow Window;
        public float Lo, Hi;

        public readonly void Execute(int index)
        {
            foreach (var (image, first, last) in WorkSplit.Runs(index, Tasks, Units, OutHeight))
            {
                for (int pair = 0; pair < Pairs; pair++)
                    Run(image, pair * 2, first, last);
            }
        }

        /// <summary>Output blocks ob and ob + 1 (when there is one) of one image, rows [first, last).</summary>
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
                Two = ob + 1 < OutBlocks,
                Channels = Channels, Height = Height, Width = Width, OutWidth = OutWidth, Window = Window, Lo = Lo, Hi = Hi,
            };
            if (Block == 16)
                BlockedDirectConv<Lanes512, Vector512<float>>.Run(t, first, last);
            else
                BlockedDirectConv<Lanes256, Vector256<float>>.Run(t, first, last);
        }
    }

    /// <summary>One or two output blocks of one image: input at its first channel, output at the first block.</summary>
    internal struct Rows
    {
        public float* Input, Output, Residual, Weights, Bias;
        public nint OutStride, WeightStride;
        public int Channels, Height, Width, OutWidth;
        public bool Two;
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
                Edge(r, iy0, ky0, ky1, oy, ox);
            for (; ox + BlockedDirectConv.Pixels <= hi; ox += BlockedDirectConv.Pixels)
                Six(r, iy0, ky0, ky1, oy, ox);
            for (; ox < r.OutWidth; ox++)
                Edge(r, iy0, ky0, ky1, oy, ox);
        }
    }

    /// <summary>Six outputs of one row for both blocks (the second's sums dropped when there is one), every tap inside the row.</summary>
    static void Six(in BlockedDirectConv.Rows r, int iy0, int ky0, int ky1, int oy, int ox)
    {
        int b = TLanes.Count;
        var w = r.Window;
        int kw = w.KernelW, taps = w.KernelH * kw;
        nint s = w.StrideW;
        var b0 = TLanes.Load(r.Bias);
        var b1 = r.Two ? TLanes.Load(r.Bias + b) : b0;
        TVec a00 = b0, a01 = b0, a02 = b0, a03 = b0, a04 = b0, a05 = b0;
        TVec a10 = b1, a11 = b1, a12 = b1, a13 = b1, a14 = b1, a15 = b1;
        // Without a second block, the second weights are the first's again: same work, stores skipped.
        nint second = r.Two ? r.WeightStride : 0;
        for (int c = 0; c < r.Channels; c++)
        {
            float* plane = r.Input + (nint)c * r.Height * r.Width;
            for (int ky = ky0; ky < ky1; ky++)
            {
                float* x = plane + (nint)(iy0 + ky * w.DilationH) * r.Width + ox * w.StrideW - w.PadW;
                float* wp = r.Weights + ((nint)c * taps + ky * kw) * b;
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
        Store(r, a00, at, 0); Store(r, a01, at + b, 0); Store(r, a02, at + 2 * b, 0);
        Store(r, a03, at + 3 * b, 0); Store(r, a04, at + 4 * b, 0); Store(r, a05, at + 5 * b, 0);
        if (!r.Two)
            return;
        Store(r, a10, at, 1); Store(r, a11, at + b, 1); Store(r, a12, at + 2 * b, 1);
        Store(r, a13, at + 3 * b, 1); Store(r, a14, at + 4 * b, 1); Store(r, a15, at + 5 * b, 1);
    }

    /// <summary>
    /// One output whose window may cross the left or right border, both blocks at once; even and odd
    /// rows of taps into separate sums, so four FMA chains run side by side rather than one long one.
    /// </summary>
    static void Edge(in BlockedDirectConv.Rows r, int iy0, int ky0, int ky1, int oy, int ox)
    {
        int b = TLanes.Count;
        var w = r.Window;
        int kw = w.KernelW, taps = w.KernelH * kw, ix0 = ox * w.StrideW - w.PadW;
        nint second = r.Two ? r.WeightStride : 0;
        var a0 = TLanes.Load(r.Bias);
        var a1 = r.Two ? TLanes.Load(r.Bias + b) : a0;
        var zero = TLanes.Splat(0);
        var e0 = zero;
        var e1 = zero;
        for (int c = 0; c < r.Channels; c++)
        {
            float* plane = r.Input + (nint)c * r.Height * r.Width;
            for (int ky = ky0; ky < ky1; ky++)
            {
                float* row = plane + (nint)(iy0 + ky * w.DilationH) * r.Width;
                float* wp = r.Weights + ((nint)c * taps + ky * kw) * b;
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
        Store(r, TLanes.Add(a0, e0), at, 0);
        if (r.Two)
            Store(r, TLanes.Add(a1, e1), at, 1);
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
