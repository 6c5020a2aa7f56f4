using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Depthwise convolution (group = channels = outputs) in NCHW: each input plane is convolved with
/// its own kernel, + bias, then the fused activation. 3x3 windows with stride 1 or 2 (any padding,
/// dilation 1) take the vector kernels. With AVX2 most shapes go 8 channels at a time through
/// <see cref="DepthwiseConvBlockRing"/> (see <see cref="UsesBlocks"/>); otherwise input rows are
/// copied, just before use, into a small ring of zero-bordered row slots that stays in L1 (split
/// into even and odd columns for stride 2), so the border costs that copy and the kernels run the
/// same branch-free code on every output. Other windows, and the scalar path, take a direct loop.
/// </summary>
internal static unsafe class DepthwiseConv
{
    /// <summary>
    /// output[b, c] = activation(conv(input[b, c], weights[c]) + bias[c]). Input is batch x channels x
    /// height x width, weights channels x KernelH x KernelW, bias empty or one per channel, output
    /// batch x channels x OutputHeight x OutputWidth. Planes are spread over the pool's threads.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int height, int width,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvWindow window, Activation activation = default,
        WorkerPool? pool = null) =>
        Forward(SimdPaths.Best, input, output, batch, channels, height, width, weights, bias, window, activation, pool);

    internal static void Forward(SimdPath path, ReadOnlySpan<float> input, Span<float> output, int batch, int channels,
        int height, int width, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvWindow window,
        Activation activation = default, WorkerPool? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        window.Check(height, width);
        int oh = window.OutputHeight(height), ow = window.OutputWidth(width);
        long planes = (long)batch * channels;
        if (input.Length < planes * height * width)
            throw new ArgumentException($"input of {batch}x{channels}x{height}x{width} needs more than {input.Length} floats", nameof(input));
        if (output.Length < planes * oh * ow)
            throw new ArgumentException($"output of {batch}x{channels}x{oh}x{ow} needs more than {output.Length} floats", nameof(output));
        if (weights.Length < channels * window.KernelH * window.KernelW)
            throw new ArgumentException($"weights of {channels}x{window.KernelH}x{window.KernelW} need more than {weights.Length} floats", nameof(weights));
        if (!bias.IsEmpty && bias.Length < channels)
            throw new ArgumentException($"bias needs {channels} values, got {bias.Length}", nameof(bias));
        if (input.Overlaps(output))
            throw new ArgumentException("input must not overlap output", nameof(output));

        fixed (float* pin = input)
        fixed (float* pout = output)
        fixed (float* pw = weights)
        fixed (float* pb = bias)
        {
            var job = new DepthwiseJob
            {
                Path = path, Input = pin, Output = pout, Weights = pw, Bias = bias.IsEmpty ? null : pb,
                Channels = channels, Height = height, Width = width, OutHeight = oh, OutWidth = ow,
                Window = window, Lo = activation.Min, Hi = activation.Max, Planes = (int)planes,
            };
            // Tasks big enough that handing them out costs little next to them: chunks of planes of
            // about 4K outputs, or whole blocks of 8 channels of one image, several where planes are
            // small (five at 7x7).
            job.Blocked = UsesBlocks(path, window, ow);
            int tasks;
            if (job.Blocked)
            {
                int blocks = ChannelBlocked.Blocks(channels);
                job.BlocksPerTask = Math.Clamp(MinTaskOutputs / (ChannelBlocked.Block * oh * ow), 1, blocks);
                job.TasksPerImage = (blocks + job.BlocksPerTask - 1) / job.BlocksPerTask;
                tasks = batch * job.TasksPerImage;
            }
            else
            {
                job.PlanesPerTask = Math.Max(1, Math.Min(job.Planes, 4096 / (oh * ow)));
                tasks = (job.Planes + job.PlanesPerTask - 1) / job.PlanesPerTask;
            }
            WorkerPool.For(pool, tasks, job);
        }
    }

    /// <summary>
    /// Whether to run the planes as blocks of 8 channels (<see cref="DepthwiseConvBlockRing"/>) rather than
    /// one by one. Measured on Zen 3 at MobileNetV2's shapes: the blocks win 1.5x to 4x at stride 2
    /// (no even/odd split, no shuffles) and on planes up to 56 wide at stride 1 (no set-up per short
    /// row); at 112 wide, stride 1, the plane-wise kernels are as fast or a little faster.
    /// Only with AVX2 as the vector path: the AVX-512 path keeps its own kernels (not measured here).
    /// </summary>
    static bool UsesBlocks(SimdPath path, ConvWindow w, int outWidth) =>
        path == SimdPath.Vector256 && IsFast(w) && (w.StrideH == 2 || outWidth <= 64);

    /// <summary>Whether the vector kernels handle this window.</summary>
    static bool IsFast(ConvWindow w) =>
        w.KernelH == 3 && w.KernelW == 3 && w.DilationH == 1 && w.DilationW == 1 &&
        w.StrideH == w.StrideW && w.StrideH is 1 or 2;

    const int MinTaskOutputs = 2048;

    /// <summary>For memory estimates: the per-thread scratch planes of this size ask for (none on the direct loop).</summary>
    internal static void NeedScratch(SimdPath path, int height, int width, ConvWindow window, ScratchEstimate scratch)
    {
        int ow = window.OutputWidth(width);
        if (UsesBlocks(path, window, ow))
            scratch.PerThread(ScratchKind.BlockedTile, DepthwiseConvBlockRing.ScratchFloats(height, width, window));
        else if (IsFast(window) && path != SimdPath.Scalar)
            scratch.PerThread(ScratchKind.PaddedPlane, RowRing.Floats(path, width, ow, window));
    }

    struct DepthwiseJob : IParallelJob
    {
        public SimdPath Path;
        public float* Input, Output, Weights, Bias;
        public int Channels, Height, Width, OutHeight, OutWidth, Planes, PlanesPerTask;
        public bool Blocked;
        public int BlocksPerTask, TasksPerImage;
        public ConvWindow Window;
        public float Lo, Hi;

        public readonly void Execute(int index)
        {
            if (Blocked)
            {
                // Task = BlocksPerTask blocks of 8 channels of one image; the image's last block may be partial.
                int image = index / TasksPerImage, firstBlock = index % TasksPerImage * BlocksPerTask;
                int end = Math.Min(ChannelBlocked.Blocks(Channels), firstBlock + BlocksPerTask);
                for (int block = firstBlock; block < end; block++)
                {
                    int c0 = block * ChannelBlocked.Block;
                    nint plane0 = (nint)image * Channels + c0;
                    DepthwiseConvBlockRing.Block(Input + plane0 * Height * Width, Output + plane0 * OutHeight * OutWidth,
                        Math.Min(ChannelBlocked.Block, Channels - c0), Height, Width, Weights + (nint)c0 * 9,
                        Bias != null ? Bias + c0 : null, Window, Lo, Hi);
                }
                return;
            }
            int first = index * PlanesPerTask, last = Math.Min(Planes, first + PlanesPerTask);
            int taps = Window.KernelH * Window.KernelW;
            bool fast = IsFast(Window) && Path != SimdPath.Scalar;
            var rows = fast ? new RowRing(Path, Height, Width, OutWidth, Window) : default;
            for (int p = first; p < last; p++)
            {
                int c = p % Channels;
                float* input = Input + (nint)p * Height * Width;
                float* output = Output + (nint)p * OutHeight * OutWidth;
                float* w = Weights + (nint)c * taps;
                float bias = Bias != null ? Bias[c] : 0f;
                if (fast)
                    rows.Plane(input, w, bias, output, OutHeight, Lo, Hi);
                else
                    Direct(input, Height, Width, w, bias, output, OutHeight, OutWidth, Window, Lo, Hi);
            }
        }
    }

    /// <summary>
    /// Eight slots of zero-bordered input rows plus one zero row (for rows in the padding) and a
    /// dummy output row. Padded row q lives in slot q % 8 and is copied when first asked for; a pair
    /// of output rows needs at most 5 consecutive rows, so none is evicted while in use.
    /// </summary>
    struct RowRing
    {
        const int Slots = 8;
        readonly SimdPath _path;
        readonly int _height, _width, _outWidth, _stride, _padH, _padW;
        readonly int _slotWidth, _half, _lastVector;
        readonly float* _ring;
        fixed int _tags[Slots];
        float* _input;

        public RowRing(SimdPath path, int height, int width, int outWidth, ConvWindow window)
        {
            _path = path;
            _height = height;
            _width = width;
            _outWidth = outWidth;
            _stride = window.StrideH;
            _padH = window.PadH;
            _padW = window.PadW;
            int v = Lanes(path);
            _lastVector = (outWidth - 1) / v * v + v;
            (_half, _slotWidth) = Slot(path, width, outWidth, window);
            int floats = Floats(path, width, outWidth, window);
            _ring = Scratch.PaddedPlane(floats);
            new Span<float>(_ring, floats).Clear();
        }

        /// <summary>The floats of <see cref="Scratch.PaddedPlane"/> the ring takes: its slots, the zero row and the dummy row.</summary>
        public static int Floats(SimdPath path, int width, int outWidth, ConvWindow window) =>
            (Slots + 1) * Slot(path, width, outWidth, window).Width + RoundUp(outWidth + 2 * Lanes(path));

        static int Lanes(SimdPath path) => path == SimdPath.Vector512 ? Lanes512.Count : Lanes256.Count;

        /// <summary>
        /// A slot holds the row with its border, plus what the last, partial vector over-reads; at
        /// stride 2 as two halves, even columns then odd.
        /// </summary>
        static (int Half, int Width) Slot(SimdPath path, int width, int outWidth, ConvWindow window)
        {
            int v = Lanes(path);
            if (window.StrideH == 1)
                return (0, RoundUp(Math.Max(outWidth + v + 2, width + 2 * window.PadW)));
            int half = RoundUp(Math.Max(outWidth + v + 1, (width + 2 * window.PadW) / 2 + 2));
            return (half, 2 * half);
        }

        static int RoundUp(int n) => (n + 15) & ~15;

        float* ZeroRow => _ring + Slots * _slotWidth;

        float* DummyRow => _ring + (Slots + 1) * _slotWidth;

        public void Plane(float* input, float* w, float bias, float* output, int outHeight, float lo, float hi)
        {
            _input = input;
            for (int i = 0; i < Slots; i++)
                _tags[i] = -1;
            float* end = output + (nint)outHeight * _outWidth;
            for (int oy = 0; oy < outHeight; oy += 2)
            {
                bool second = oy + 1 < outHeight;
                float* o0 = output + (nint)oy * _outWidth;
                float* o1 = second ? o0 + _outWidth : DummyRow;
                // A row's last vector is stored whole (the rows after it are written later) unless
                // that would run past the plane.
                bool exact0 = o0 + _lastVector > end, exact1 = second && o1 + _lastVector > end;
                int q = oy * _stride;
                if (_stride == 1)
                {
                    float* r0 = Row(q), r1 = Row(q + 1), r2 = Row(q + 2), r3 = Row(q + 3);
                    if (_path == SimdPath.Vector512)
                        DepthwiseKernel<Lanes512, Vector512<float>>.Pair1(r0, r1, r2, r3, o0, o1, _outWidth, exact0, exact1, w, bias, lo, hi);
                    else
                        DepthwiseKernel<Lanes256, Vector256<float>>.Pair1(r0, r1, r2, r3, o0, o1, _outWidth, exact0, exact1, w, bias, lo, hi);
                }
                else
                {
                    float* r0 = Row(q), r1 = Row(q + 1), r2 = Row(q + 2), r3 = Row(q + 3), r4 = Row(q + 4);
                    if (_path == SimdPath.Vector512)
                        DepthwiseKernel<Lanes512, Vector512<float>>.Pair2(r0, r1, r2, r3, r4, _half, o0, o1, _outWidth, exact0, exact1, w, bias, lo, hi);
                    else
                        DepthwiseKernel<Lanes256, Vector256<float>>.Pair2(r0, r1, r2, r3, r4, _half, o0, o1, _outWidth, exact0, exact1, w, bias, lo, hi);
                }
            }
        }

        /// <summary>Padded row q: the zero row in the padding, else its slot, copied in if not there yet.</summary>
        float* Row(int q)
        {
            int i = q - _padH;
            if ((uint)i >= (uint)_height)
                return ZeroRow;
            int slot = q & (Slots - 1);
            float* dst = _ring + slot * _slotWidth;
            if (_tags[slot] == q)
                return dst;
            _tags[slot] = q;
            float* src = _input + (nint)i * _width;
            if (_stride == 1)
            {
                if (_path == SimdPath.Vector512)
                    DepthwiseKernel<Lanes512, Vector512<float>>.CopyRow(src, _width, dst + _padW);
                else
                    DepthwiseKernel<Lanes256, Vector256<float>>.CopyRow(src, _width, dst + _padW);
                return dst;
            }
            // Padded column j = input column j - padW goes to evens[j / 2] or odds[j / 2].
            // With odd padding the input's even columns land on odd padded ones, and the other way round.
            bool odd = (_padW & 1) == 1;
            float* evens = odd ? dst + _half + _padW / 2 : dst + _padW / 2;
            float* odds = odd ? dst + (_padW + 1) / 2 : dst + _half + _padW / 2;
            if (_path == SimdPath.Vector512)
                Lanes512.SplitRow(src, _width, evens, odds);
            else
                Lanes256.SplitRow(src, _width, evens, odds);
            return dst;
        }
    }

    /// <summary>Any window, straight from the definition; taps that fall in the padding are skipped.</summary>
    static void Direct(float* input, int height, int width, float* w, float bias, float* output, int oh, int ow,
        ConvWindow window, float lo, float hi)
    {
        for (int oy = 0; oy < oh; oy++)
        {
            for (int ox = 0; ox < ow; ox++)
            {
                float sum = bias;
                for (int ky = 0; ky < window.KernelH; ky++)
                {
                    int iy = oy * window.StrideH - window.PadH + ky * window.DilationH;
                    if ((uint)iy >= (uint)height)
                        continue;
                    for (int kx = 0; kx < window.KernelW; kx++)
                    {
                        int ix = ox * window.StrideW - window.PadW + kx * window.DilationW;
                        if ((uint)ix < (uint)width)
                            sum += w[ky * window.KernelW + kx] * input[(nint)iy * width + ix];
                    }
                }
                output[(nint)oy * ow + ox] = MathF.Min(MathF.Max(sum, lo), hi);
            }
        }
    }
}
