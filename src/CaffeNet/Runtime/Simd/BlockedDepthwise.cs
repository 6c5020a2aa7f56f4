using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Depthwise convolution (group = channels = outputs) on channel-blocked tensors: a pixel's block of
/// channels is one vector, so each tap is one vector FMA with the block's weights for that tap, for
/// any window, stride, padding or dilation, with no transposes. Output = clamp(conv + bias
/// (+ residual), lo, hi); the residual, when given, is blocked like the output.
/// </summary>
internal static unsafe class BlockedDepthwise
{
    /// <summary>Weights channels x taps to [blocks][taps][block], the lanes past the channels zero.</summary>
    public static AlignedFloats PackWeights(ReadOnlySpan<float> weights, int channels, int taps, int block)
    {
        int blocks = (channels + block - 1) / block;
        var packed = new AlignedFloats(checked(blocks * taps * block));
        var to = packed.Span;
        for (int c = 0; c < channels; c++)
        {
            for (int t = 0; t < taps; t++)
                to[(c / block * taps + t) * block + c % block] = weights[c * taps + t];
        }
        return packed;
    }

    /// <summary>One value per channel, padded with zeros to whole blocks (empty: all zero).</summary>
    public static float[] PackChannels(ReadOnlySpan<float> values, int channels, int block)
    {
        var packed = new float[(channels + block - 1) / block * block];
        if (!values.IsEmpty)
            values[..channels].CopyTo(packed);
        return packed;
    }

    /// <summary>
    /// Blocked depthwise convolution of batch x channels x height x width (weights and bias packed by
    /// <see cref="PackWeights"/> and <see cref="PackChannels"/> for <paramref name="block"/>, 8 or 16:
    /// the lanes of <see cref="Lanes256"/> or <see cref="Lanes512"/>). Work is spread over the pool.
    /// </summary>
    public static void Forward(int block, ReadOnlySpan<float> input, Span<float> output, ReadOnlySpan<float> residual,
        int batch, int channels, int height, int width, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias,
        ConvWindow window, Activation activation, WorkerPool? pool)
    {
        window.Check(height, width);
        BlockedIo.CheckBlock(block);
        int oh = window.OutputHeight(height), ow = window.OutputWidth(width);
        int blocks = (channels + block - 1) / block;
        long inFloats = (long)batch * blocks * height * width * block, outFloats = (long)batch * blocks * oh * ow * block;
        if (input.Length < inFloats || output.Length < outFloats || (!residual.IsEmpty && residual.Length < outFloats))
            throw new ArgumentException($"blocked tensors of {batch}x{channels}x{height}x{width} -> {oh}x{ow} are too short");
        if (weights.Length < blocks * window.KernelH * window.KernelW * block || bias.Length < blocks * block)
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
                Blocks = blocks, Height = height, Width = width, OutHeight = oh, OutWidth = ow, Window = window,
                Lo = activation.Min, Hi = activation.Max,
            };
            // A task: a run of output rows (images outermost) with every block, so each thread keeps
            // to its part of the image from layer to layer; or, where the channels outnumber the
            // pixels (small late planes), a run of blocks over every row: mostly as the 1x1
            // convolution before it splits such a layer (by groups of output blocks), so each thread
            // reads mostly what it wrote (not after a stride-2 window, whose 1x1 decided on a plane
            // four times larger), and the units are many and even where rows are few. A tap loads
            // a vector for its FMA and these layers are bound by those loads (about a third of the
            // FMA rate, measured on an Intel Xeon): a tap counts as seven FMAs of work, erring
            // towards a split. Counted as two, the 14x14 and 7x7 layers ran on one core, reading
            // half their input from the other's cache, at up to twice their one-thread time; as
            // four, the stride-2 ones still did (they read a plane four times their output), and
            // MobileNetV2 at 2 threads took 1.015 times as long as with seven (paired, in-process).
            job.ByBlocks = (long)blocks * block >= (long)oh * ow;
            job.Units = (long)batch * (job.ByBlocks ? blocks : oh);
            double work = 7.0 * blocks * oh * ow * window.KernelH * window.KernelW;
            job.Tasks = WorkSplit.Tasks(pool, job.Units, work * batch / job.Units);
            WorkerPool.For(pool, job.Tasks, job);
        }
    }

    struct Job : IParallelJob
    {
        public int Block, Blocks, Height, Width, OutHeight, OutWidth, Tasks;
        public bool ByBlocks;
        public long Units;
        public float* Input, Output, Residual, Weights, Bias;
        public ConvWindow Window;
        public float Lo, Hi;

        public readonly void Execute(int index)
        {
            if (ByBlocks)
            {
                long end = WorkSplit.First(index + 1, Tasks, Units);
                for (long unit = WorkSplit.First(index, Tasks, Units); unit < end; unit++)
                    Run((int)unit, (int)(unit % Blocks), 0, OutHeight);
                return;
            }
            foreach (var (image, first, last) in WorkSplit.Runs(index, Tasks, Units, OutHeight))
            {
                for (int cb = 0; cb < Blocks; cb++)
                    Run(image * Blocks + cb, cb, first, last);
            }
        }

        /// <summary>Rows [first, last) of one plane (image x block) of block <paramref name="cb"/>.</summary>
        readonly void Run(int plane, int cb, int first, int last)
        {
            var rows = new Rows
            {
                Input = Input + (nint)plane * Height * Width * Block,
                Output = Output + (nint)plane * OutHeight * OutWidth * Block,
                Residual = Residual == null ? null : Residual + (nint)plane * OutHeight * OutWidth * Block,
                Weights = Weights + (nint)cb * Window.KernelH * Window.KernelW * Block,
                Bias = Bias + (nint)cb * Block,
                Height = Height, Width = Width, OutWidth = OutWidth, Window = Window, Lo = Lo, Hi = Hi,
            };
            if (Block == 16)
                BlockedDepthwise<Lanes512, Vector512<float>>.Run(rows, first, last);
            else
                BlockedDepthwise<Lanes256, Vector256<float>>.Run(rows, first, last);
        }
    }

    /// <summary>One channel block of one image: pointers at its first pixel, weights and bias at its block.</summary>
    internal struct Rows
    {
        public float* Input, Output, Residual, Weights, Bias;
        public int Height, Width, OutWidth;
        public ConvWindow Window;
        public float Lo, Hi;
    }
}

/// <summary>The vector loops of <see cref="BlockedDepthwise"/>, once per lane width.</summary>
static unsafe class BlockedDepthwise<TLanes, TVec> where TLanes : struct, IFloatLanes<TVec> where TVec : unmanaged
{
    /// <summary>
    /// Output rows [first, last) of one block. Columns whose window lies inside the row go four at
    /// a time with no bounds checks; the border columns one at a time, skipping taps in the padding.
    /// </summary>
    public static void Run(in BlockedDepthwise.Rows r, int first, int last)
    {
        int b = TLanes.Count;
        var w = r.Window;
        int kh = w.KernelH, kw = w.KernelW;
        nint rowFloats = (nint)r.Width * b;
        // Interior columns: ox * stride - pad >= 0 and ox * stride - pad + (kw - 1) dilation < width.
        int lo = Math.Min(r.OutWidth, (w.PadW + w.StrideW - 1) / w.StrideW);
        int span = r.Width - 1 - (kw - 1) * w.DilationW + w.PadW;
        int hi = span < 0 ? lo : Math.Max(lo, Math.Min(r.OutWidth, span / w.StrideW + 1));
        var vlo = TLanes.Splat(r.Lo);
        var vhi = TLanes.Splat(r.Hi);
        var bias = TLanes.Load(r.Bias);
        for (int oy = first; oy < last; oy++)
        {
            int iy0 = oy * w.StrideH - w.PadH;
            // Taps whose row is inside the image.
            int ky0 = iy0 >= 0 ? 0 : (-iy0 + w.DilationH - 1) / w.DilationH;
            int ky1 = Math.Min(kh, (r.Height - iy0 + w.DilationH - 1) / w.DilationH);
            float* top = r.Input + (nint)(iy0 + ky0 * w.DilationH) * rowFloats;
            float* wt = r.Weights + (nint)ky0 * kw * b;
            int rows = ky1 - ky0;
            nint outRow = (nint)oy * r.OutWidth;
            int ox = 0;
            for (; ox < lo; ox++)
                Edge(r, top, rows, wt, ox, outRow, bias, vlo, vhi);
            for (; ox + 4 <= hi; ox += 4)
                Four(r, top, rows, wt, ox, outRow, bias, vlo, vhi);
            for (; ox < r.OutWidth; ox++)
                Edge(r, top, rows, wt, ox, outRow, bias, vlo, vhi);
        }
    }

    /// <summary>Four outputs of one row, every tap inside the row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Four(in BlockedDepthwise.Rows r, float* top, int rows, float* wt, int ox, nint outRow, TVec bias, TVec vlo, TVec vhi)
    {
        int b = TLanes.Count;
        var w = r.Window;
        int kw = w.KernelW;
        nint step = (nint)w.StrideW * b, rowStep = (nint)w.DilationH * r.Width * b, tapStep = (nint)w.DilationW * b;
        var a0 = bias; var a1 = bias; var a2 = bias; var a3 = bias;
        float* row = top + (nint)(ox * w.StrideW - w.PadW) * b;
        float* wp = wt;
        for (int ky = 0; ky < rows; ky++, row += rowStep)
        {
            float* p = row;
            for (int kx = 0; kx < kw; kx++, p += tapStep, wp += b)
            {
                var wv = TLanes.Load(wp);
                a0 = TLanes.MultiplyAdd(wv, TLanes.Load(p), a0);
                a1 = TLanes.MultiplyAdd(wv, TLanes.Load(p + step), a1);
                a2 = TLanes.MultiplyAdd(wv, TLanes.Load(p + 2 * step), a2);
                a3 = TLanes.MultiplyAdd(wv, TLanes.Load(p + 3 * step), a3);
            }
        }
        nint at = (outRow + ox) * b;
        Store(r, a0, at, vlo, vhi);
        Store(r, a1, at + b, vlo, vhi);
        Store(r, a2, at + 2 * b, vlo, vhi);
        Store(r, a3, at + 3 * b, vlo, vhi);
    }

    /// <summary>One output whose window may cross the left or right border.</summary>
    static void Edge(in BlockedDepthwise.Rows r, float* top, int rows, float* wt, int ox, nint outRow, TVec bias, TVec vlo, TVec vhi)
    {
        int b = TLanes.Count;
        var w = r.Window;
        int kw = w.KernelW;
        nint rowStep = (nint)w.DilationH * r.Width * b;
        var acc = bias;
        int ix0 = ox * w.StrideW - w.PadW;
        float* row = top;
        for (int ky = 0; ky < rows; ky++, row += rowStep)
        {
            for (int kx = 0; kx < kw; kx++)
            {
                int ix = ix0 + kx * w.DilationW;
                if ((uint)ix < (uint)r.Width)
                    acc = TLanes.MultiplyAdd(TLanes.Load(wt + (nint)(ky * kw + kx) * b), TLanes.Load(row + (nint)ix * b), acc);
            }
        }
        Store(r, acc, (outRow + ox) * b, vlo, vhi);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store(in BlockedDepthwise.Rows r, TVec acc, nint at, TVec vlo, TVec vhi)
    {
        if (r.Residual != null)
            acc = TLanes.Add(acc, TLanes.Load(r.Residual + at));
        TLanes.Store(TLanes.Clamp(acc, vlo, vhi), r.Output + at);
    }
}
