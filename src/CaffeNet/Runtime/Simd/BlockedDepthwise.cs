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
            var job = Sized(block, batch, channels, height, width, window, activation, pool);
            job.Input = pin;
            job.Output = pout;
            job.Residual = residual.IsEmpty ? null : pres;
            job.Weights = pw;
            job.Bias = pb;
            WorkerPool.For(pool, job.Tasks, job);
        }
    }

    /// <summary>The job for a layer of these sizes, its pointers left for the caller to set.</summary>
    internal static Job Sized(int block, int batch, int channels, int height, int width, ConvWindow window, Activation activation, WorkerPool? pool)
    {
        int oh = window.OutputHeight(height), ow = window.OutputWidth(width);
        int blocks = (channels + block - 1) / block;
        var job = new Job
        {
            Block = block, Blocks = blocks, Height = height, Width = width, OutHeight = oh, OutWidth = ow, Window = window,
            InPlane = (nint)height * width * block, Lo = activation.Min, Hi = activation.Max,
        };
        // A task: a run of output rows (images outermost) with every block, so each thread keeps
        // to its part of the image from layer to layer; or, where the channels outnumber the
        // pixels (small late planes), a run of blocks over every row: mostly as the 1x1
        // convolution before it splits such a layer (by groups of output blocks), so each thread
        // reads mostly what it wrote (not after a stride-2 window, whose 1x1 decided on a plane
        // four times larger), and the units are many and even where rows are few. These layers
        // are bound by reading their planes, well below the FMA rate: a tap counts as seven FMAs
        // of work, erring towards a split. Counted as two, the 14x14 and 7x7 layers ran on one
        // core, reading half their input from the other's cache, at up to twice their one-thread
        // time; as four, the stride-2 ones still did (they read a plane four times their output),
        // and MobileNetV2 at 2 threads took 1.015 times as long as with seven (paired, in-process).
        job.ByBlocks = (long)blocks * block >= (long)oh * ow;
        job.Units = (long)batch * (job.ByBlocks ? blocks : oh);
        double work = 7.0 * blocks * oh * ow * window.KernelH * window.KernelW;
        job.Tasks = WorkSplit.Tasks(pool, job.Units, work * batch / job.Units);
        return job;
    }

    internal struct Job : IParallelJob
    {
        public int Block, Blocks, Height, Width, OutHeight, OutWidth, Tasks;
        /// <summary>Floats from one input plane (image x block) to the next: a plane's, or a band buffer's rows.</summary>
        public nint InPlane;
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
        public readonly void Run(int plane, int cb, int first, int last)
        {
            var rows = new Rows
            {
                Input = Input + plane * InPlane,
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
    /// Output rows [first, last) of one block. A 3-wide undilated window at stride 1 or 2 (nearly
    /// every depthwise layer) goes eight columns at a time, each input vector loaded once per row.
    /// Any other window: columns whose window lies inside the row four at a time with no bounds
    /// checks, the border columns one at a time, skipping taps in the padding.
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
            if (kw == 3 && w.DilationW == 1 && w.StrideW <= 2)
            {
                // Eight at a time, the chunks that reach into the padding (or past the row's end) checked.
                for (int x = 0; x < r.OutWidth; x += 8)
                {
                    int n = Math.Min(8, r.OutWidth - x);
                    bool inside = n == 8 && x >= lo && x + 8 <= hi;
                    if (w.StrideW == 1)
                    {
                        if (inside)
                            EightStride1<Inside>(r, top, rows, wt, x, 8, outRow, bias, vlo, vhi);
                        else
                            EightStride1<Border>(r, top, rows, wt, x, n, outRow, bias, vlo, vhi);
                    }
                    else if (inside)
                        EightStride2<Inside>(r, top, rows, wt, x, 8, outRow, bias, vlo, vhi);
                    else
                        EightStride2<Border>(r, top, rows, wt, x, n, outRow, bias, vlo, vhi);
                }
                continue;
            }
            int ox = 0;
            for (; ox < lo; ox++)
                Edge(r, top, rows, wt, ox, outRow, bias, vlo, vhi);
            for (; ox + 4 <= hi; ox += 4)
                Four(r, top, rows, wt, ox, outRow, bias, vlo, vhi);
            for (; ox < r.OutWidth; ox++)
                Edge(r, top, rows, wt, ox, outRow, bias, vlo, vhi);
        }
    }

    /// <summary>
    /// The first <paramref name="n"/> of eight outputs of one row of a 3-wide window at stride 1:
    /// each of the row's ten input vectors is loaded once and feeds up to three sums (the generic
    /// loop loads it once per tap), so the FMAs, not the loads, set the pace. Taps in the padding
    /// read zero.
    /// </summary>
    static void EightStride1<TBorder>(in BlockedDepthwise.Rows r, float* top, int rows, float* wt, int ox, int n, nint outRow,
        TVec bias, TVec vlo, TVec vhi) where TBorder : struct, IBorder
    {
        int b = TLanes.Count;
        nint rowStep = (nint)r.Window.DilationH * r.Width * b;
        var a0 = bias; var a1 = bias; var a2 = bias; var a3 = bias;
        var a4 = bias; var a5 = bias; var a6 = bias; var a7 = bias;
        int x0 = ox - r.Window.PadW, width = r.Width;
        float* row = top + (nint)x0 * b;
        float* wp = wt;
        for (int ky = 0; ky < rows; ky++, row += rowStep, wp += 3 * b)
        {
            var w0 = TLanes.Load(wp);
            var w1 = TLanes.Load(wp + b);
            var w2 = TLanes.Load(wp + 2 * b);
            var x = Tap<TBorder>(row, 0, x0, width);
            a0 = TLanes.MultiplyAdd(w0, x, a0);
            x = Tap<TBorder>(row, 1, x0, width);
            a0 = TLanes.MultiplyAdd(w1, x, a0); a1 = TLanes.MultiplyAdd(w0, x, a1);
            x = Tap<TBorder>(row, 2, x0, width);
            a0 = TLanes.MultiplyAdd(w2, x, a0); a1 = TLanes.MultiplyAdd(w1, x, a1); a2 = TLanes.MultiplyAdd(w0, x, a2);
            x = Tap<TBorder>(row, 3, x0, width);
            a1 = TLanes.MultiplyAdd(w2, x, a1); a2 = TLanes.MultiplyAdd(w1, x, a2); a3 = TLanes.MultiplyAdd(w0, x, a3);
            x = Tap<TBorder>(row, 4, x0, width);
            a2 = TLanes.MultiplyAdd(w2, x, a2); a3 = TLanes.MultiplyAdd(w1, x, a3); a4 = TLanes.MultiplyAdd(w0, x, a4);
            x = Tap<TBorder>(row, 5, x0, width);
            a3 = TLanes.MultiplyAdd(w2, x, a3); a4 = TLanes.MultiplyAdd(w1, x, a4); a5 = TLanes.MultiplyAdd(w0, x, a5);
            x = Tap<TBorder>(row, 6, x0, width);
            a4 = TLanes.MultiplyAdd(w2, x, a4); a5 = TLanes.MultiplyAdd(w1, x, a5); a6 = TLanes.MultiplyAdd(w0, x, a6);
            x = Tap<TBorder>(row, 7, x0, width);
            a5 = TLanes.MultiplyAdd(w2, x, a5); a6 = TLanes.MultiplyAdd(w1, x, a6); a7 = TLanes.MultiplyAdd(w0, x, a7);
            x = Tap<TBorder>(row, 8, x0, width);
            a6 = TLanes.MultiplyAdd(w2, x, a6); a7 = TLanes.MultiplyAdd(w1, x, a7);
            x = Tap<TBorder>(row, 9, x0, width);
            a7 = TLanes.MultiplyAdd(w2, x, a7);
        }
        StoreEight(r, (outRow + ox) * b, n, vlo, vhi, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /// <summary>
    /// <see cref="EightStride1{TBorder}"/> at stride 2: the row's seventeen input vectors are loaded
    /// once each, an even one feeding two sums.
    /// </summary>
    static void EightStride2<TBorder>(in BlockedDepthwise.Rows r, float* top, int rows, float* wt, int ox, int n, nint outRow,
        TVec bias, TVec vlo, TVec vhi) where TBorder : struct, IBorder
    {
        int b = TLanes.Count;
        nint rowStep = (nint)r.Window.DilationH * r.Width * b;
        var a0 = bias; var a1 = bias; var a2 = bias; var a3 = bias;
        var a4 = bias; var a5 = bias; var a6 = bias; var a7 = bias;
        int x0 = 2 * ox - r.Window.PadW, width = r.Width;
        float* row = top + (nint)x0 * b;
        float* wp = wt;
        for (int ky = 0; ky < rows; ky++, row += rowStep, wp += 3 * b)
        {
            var w0 = TLanes.Load(wp);
            var w1 = TLanes.Load(wp + b);
            var w2 = TLanes.Load(wp + 2 * b);
            a0 = TLanes.MultiplyAdd(w0, Tap<TBorder>(row, 0, x0, width), a0);
            a0 = TLanes.MultiplyAdd(w1, Tap<TBorder>(row, 1, x0, width), a0);
            var x = Tap<TBorder>(row, 2, x0, width);
            a0 = TLanes.MultiplyAdd(w2, x, a0); a1 = TLanes.MultiplyAdd(w0, x, a1);
            a1 = TLanes.MultiplyAdd(w1, Tap<TBorder>(row, 3, x0, width), a1);
            x = Tap<TBorder>(row, 4, x0, width);
            a1 = TLanes.MultiplyAdd(w2, x, a1); a2 = TLanes.MultiplyAdd(w0, x, a2);
            a2 = TLanes.MultiplyAdd(w1, Tap<TBorder>(row, 5, x0, width), a2);
            x = Tap<TBorder>(row, 6, x0, width);
            a2 = TLanes.MultiplyAdd(w2, x, a2); a3 = TLanes.MultiplyAdd(w0, x, a3);
            a3 = TLanes.MultiplyAdd(w1, Tap<TBorder>(row, 7, x0, width), a3);
            x = Tap<TBorder>(row, 8, x0, width);
            a3 = TLanes.MultiplyAdd(w2, x, a3); a4 = TLanes.MultiplyAdd(w0, x, a4);
            a4 = TLanes.MultiplyAdd(w1, Tap<TBorder>(row, 9, x0, width), a4);
            x = Tap<TBorder>(row, 10, x0, width);
            a4 = TLanes.MultiplyAdd(w2, x, a4); a5 = TLanes.MultiplyAdd(w0, x, a5);
            a5 = TLanes.MultiplyAdd(w1, Tap<TBorder>(row, 11, x0, width), a5);
            x = Tap<TBorder>(row, 12, x0, width);
            a5 = TLanes.MultiplyAdd(w2, x, a5); a6 = TLanes.MultiplyAdd(w0, x, a6);
            a6 = TLanes.MultiplyAdd(w1, Tap<TBorder>(row, 13, x0, width), a6);
            x = Tap<TBorder>(row, 14, x0, width);
            a6 = TLanes.MultiplyAdd(w2, x, a6); a7 = TLanes.MultiplyAdd(w0, x, a7);
            a7 = TLanes.MultiplyAdd(w1, Tap<TBorder>(row, 15, x0, width), a7);
            a7 = TLanes.MultiplyAdd(w2, Tap<TBorder>(row, 16, x0, width), a7);
        }
        StoreEight(r, (outRow + ox) * b, n, vlo, vhi, a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /// <summary>Input column <paramref name="x0"/> + <paramref name="i"/> of a row (<paramref name="row"/> at x0); zero in the padding when <typeparamref name="TBorder"/> checks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static TVec Tap<TBorder>(float* row, int i, int x0, int width) where TBorder : struct, IBorder =>
        !TBorder.Checked || (uint)(x0 + i) < (uint)width ? TLanes.Load(row + (nint)i * TLanes.Count) : TLanes.Splat(0);

    /// <summary>The first <paramref name="n"/> of eight sums to the output.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void StoreEight(in BlockedDepthwise.Rows r, nint at, int n, TVec vlo, TVec vhi,
        TVec a0, TVec a1, TVec a2, TVec a3, TVec a4, TVec a5, TVec a6, TVec a7)
    {
        int b = TLanes.Count;
        Store(r, a0, at, vlo, vhi);
        if (n > 1) Store(r, a1, at + b, vlo, vhi);
        if (n > 2) Store(r, a2, at + 2 * b, vlo, vhi);
        if (n > 3) Store(r, a3, at + 3 * b, vlo, vhi);
        if (n > 4) Store(r, a4, at + 4 * b, vlo, vhi);
        if (n > 5) Store(r, a5, at + 5 * b, vlo, vhi);
        if (n > 6) Store(r, a6, at + 6 * b, vlo, vhi);
        if (n > 7) Store(r, a7, at + 7 * b, vlo, vhi);
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

/// <summary>Whether a row's taps are checked against its ends (<see cref="Border"/>) or known inside it (<see cref="Inside"/>).</summary>
interface IBorder
{
    static abstract bool Checked { get; }
}

readonly struct Inside : IBorder
{
    public static bool Checked => false;
}

readonly struct Border : IBorder
{
    public static bool Checked => true;
}
