using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Convolution (group 1) of an input with few channels, such as a network's RGB first layer, done
/// directly. With only channels x kh x kw taps per output, im2col + GEMM spends more time writing and
/// re-reading the columns than multiplying; here each strip of output rows copies the input rows it
/// needs into zero-bordered slots (split into even and odd columns at stride 2, so a tap's inputs are
/// contiguous), and <see cref="DirectConvKernel{TLanes, TVec}"/> accumulates 4 output channels x up to 3
/// vectors of columns (48 with AVX-512) in registers over all taps. Weights are arranged in blocks of 4 output channels once, at
/// construction. Strips are spread over a pool's threads; every output is computed the same way
/// whatever the split, so results do not depend on the thread count.
/// </summary>
internal sealed unsafe class DirectConv
{
    /// <summary>Most input channels this takes; beyond, the taps outgrow what im2col + GEMM costs.</summary>
    public const int MaxChannels = 4;
    const int MaxKernel = 7;
    const int StripRows = 8;
    /// <summary>Output channels a kernel tile computes; the weights are arranged in blocks of this many.</summary>
    internal const int Block = 4;
    /// <summary>The widest vector (AVX-512's 16 lanes): slots are sized for it on either path.</summary>
    const int V = 16;

    readonly SimdPath _path;
    readonly int _outputs, _channels, _taps;
    readonly ConvWindow _window;
    readonly float[] _weights; // [block][tap][4], tap = (channel, ky, kx); zero for channels past the last
    readonly float[] _bias;    // [block][4]

    /// <summary>Whether <paramref name="channels"/> inputs under <paramref name="window"/> can run here.</summary>
    public static bool Handles(int channels, ConvWindow window) =>
        channels is >= 1 and <= MaxChannels && window.KernelH <= MaxKernel && window.KernelW <= MaxKernel &&
        window.DilationH == 1 && window.DilationW == 1 && window.StrideW is 1 or 2;

    /// <summary>
    /// Weights are outputs x channels x KernelH x KernelW (Caffe's layout); bias is empty or one per
    /// output.
    /// </summary>
    public DirectConv(ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outputs, int channels, ConvWindow window)
        : this(SimdPaths.Best, weights, bias, outputs, channels, window)
    {
    }

    internal DirectConv(SimdPath path, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, int outputs, int channels,
        ConvWindow window)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        if (!Handles(channels, window))
            throw new ArgumentException($"direct convolution does not take {channels} channels under {window}");
        window.Check(window.KernelH, window.KernelW);
        _taps = channels * window.KernelH * window.KernelW;
        if (weights.Length < outputs * _taps)
            throw new ArgumentException($"weights of {outputs}x{channels}x{window.KernelH}x{window.KernelW} need more than {weights.Length} floats", nameof(weights));
        if (!bias.IsEmpty && bias.Length < outputs)
            throw new ArgumentException($"bias needs {outputs} values, got {bias.Length}", nameof(bias));
        _path = path;
        (_outputs, _channels, _window) = (outputs, channels, window);
        int blocks = (outputs + Block - 1) / Block;
        _weights = new float[blocks * _taps * Block];
        _bias = new float[blocks * Block];
        for (int o = 0; o < outputs; o++)
        {
            for (int t = 0; t < _taps; t++)
                _weights[(o / Block * _taps + t) * Block + o % Block] = weights[o * _taps + t];
            _bias[o] = bias.IsEmpty ? 0f : bias[o];
        }
    }

    /// <summary>
    /// output = activation(conv(input) + bias), input batch x channels x height x width, output
    /// batch x outputs x OutputHeight x OutputWidth.
    /// </summary>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int height, int width,
        Activation activation = default, WorkerPool? pool = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        _window.Check(height, width);
        int oh = _window.OutputHeight(height), ow = _window.OutputWidth(width);
        if (input.Length < (long)batch * _channels * height * width)
            throw new ArgumentException($"input of {batch}x{_channels}x{height}x{width} needs more than {input.Length} floats", nameof(input));
        if (output.Length < (long)batch * _outputs * oh * ow)
            throw new ArgumentException($"output of {batch}x{_outputs}x{oh}x{ow} needs more than {output.Length} floats", nameof(output));
        if (input.Overlaps(output))
            throw new ArgumentException("input must not overlap output", nameof(output));
        fixed (float* pin = input)
        fixed (float* pout = output)
        fixed (float* pw = _weights)
        fixed (float* pb = _bias)
        {
            var job = new Job
            {
                Path = _path, Input = pin, Output = pout, Weights = pw, Bias = pb, Window = _window,
                Channels = _channels, Outputs = _outputs, Taps = _taps, Height = height, Width = width,
                OutHeight = oh, OutWidth = ow, Strips = (oh + StripRows - 1) / StripRows,
                Lo = activation.Min, Hi = activation.Max,
            };
            int tasks = batch * job.Strips;
            WorkerPool.For(pool, tasks, job);
        }
    }

    static int RoundUp(int n, int multiple) => (n + multiple - 1) / multiple * multiple;

    /// <summary>
    /// A slot holds one padded row (as even then odd columns at stride 2) and the zeros that the
    /// last vector of a row reads past it.
    /// </summary>
    static (int Half, int Width) Slot(int width, int outWidth, ConvWindow w)
    {
        int padded = width + 2 * w.PadW, vectorWidth = RoundUp(outWidth, V);
        if (w.StrideW == 1)
            return (0, RoundUp(Math.Max(padded, vectorWidth + w.KernelW - 1), V));
        int half = RoundUp(Math.Max((padded + 1) / 2, vectorWidth + (w.KernelW - 1) / 2), V);
        return (half, 2 * half);
    }

    /// <summary>The slots, then room for the dummy row that padding output channels write.</summary>
    static int SlotsFloats(int slotFloats, int outWidth) => slotFloats + RoundUp(outWidth, V) + 3 * V;

    /// <summary>For memory estimates: the most <see cref="Scratch.InputRows"/> a strip asks for (none on the scalar path).</summary>
    internal static void NeedScratch(SimdPath path, int channels, int height, int width, ConvWindow w, ScratchEstimate scratch)
    {
        if (path == SimdPath.Scalar)
            return;
        int rows = (Math.Min(StripRows, w.OutputHeight(height)) - 1) * w.StrideH + w.KernelH;
        scratch.PerThread(ScratchKind.InputRows, SlotsFloats(channels * rows * Slot(width, w.OutputWidth(width), w).Width, w.OutputWidth(width)));
    }

    /// <summary>Floats of the weights and bias as arranged in blocks of output channels.</summary>
    internal static long ArrangedFloats(int outputs, int channels, ConvWindow w)
    {
        long blocks = (outputs + Block - 1) / Block;
        return blocks * channels * w.KernelH * w.KernelW * Block + blocks * Block;
    }

    struct Job : IParallelJob
    {
        public SimdPath Path;
        public float* Input, Output, Weights, Bias;
        public ConvWindow Window;
        public int Channels, Outputs, Taps, Height, Width, OutHeight, OutWidth, Strips;
        public float Lo, Hi;

        /// <summary>Task = one strip of <see cref="StripRows"/> output rows of one image.</summary>
        public readonly void Execute(int index)
        {
            int image = index / Strips, y0 = index % Strips * StripRows, y1 = Math.Min(OutHeight, y0 + StripRows);
            float* input = Input + (nint)image * Channels * Height * Width;
            float* output = Output + (nint)image * Outputs * OutHeight * OutWidth;
            if (Path == SimdPath.Scalar)
                Direct(input, output, y0, y1);
            else
                Strip(input, output, y0, y1);
        }

        readonly void Strip(float* input, float* output, int y0, int y1)
        {
            var wd = Window;
            int q0 = y0 * wd.StrideH, rows = (y1 - 1) * wd.StrideH + wd.KernelH - q0;
            var (half, slotWidth) = Slot(Width, OutWidth, wd);
            int slotFloats = Channels * rows * slotWidth;
            float* slots = Scratch.InputRows(SlotsFloats(slotFloats, OutWidth));
            // Rows of outputs past the last (the last block's padding channels) are written here.
            float* dummy = slots + slotFloats;
            for (int c = 0; c < Channels; c++)
            {
                for (int r = 0; r < rows; r++)
                {
                    float* slot = slots + (nint)(c * rows + r) * slotWidth;
                    int i = q0 + r - wd.PadH;
                    if ((uint)i < (uint)Height)
                        FillSlot(input + ((nint)c * Height + i) * Width, slot, slotWidth, half);
                    else
                        new Span<float>(slot, slotWidth).Clear();
                }
            }
            float** taps = stackalloc float*[Taps];
            float** outs = stackalloc float*[Block];
            float** tailOuts = stackalloc float*[Block];
            // A row narrower than a vector goes here first, each channel a vector's width apart.
            int lanes = Path == SimdPath.Vector512 ? 16 : 8;
            float* tail = stackalloc float[Block * V];
            for (int j = 0; j < Block; j++)
                tailOuts[j] = tail + j * lanes;
            int plane = OutHeight * OutWidth;
            for (int oy = y0; oy < y1; oy++)
            {
                int t = 0;
                for (int c = 0; c < Channels; c++)
                {
                    for (int ky = 0; ky < wd.KernelH; ky++)
                    {
                        float* slot = slots + (nint)(c * rows + oy * wd.StrideH + ky - q0) * slotWidth;
                        // Padded column ox·s + kx: at stride 2 that is evens[ox + kx/2] or odds[ox + kx/2].
                        for (int kx = 0; kx < wd.KernelW; kx++)
                            taps[t++] = wd.StrideW == 1 ? slot + kx : slot + (kx & 1) * half + kx / 2;
                    }
                }
                for (int o0 = 0; o0 < Outputs; o0 += Block)
                {
                    for (int j = 0; j < Block; j++)
                        outs[j] = o0 + j < Outputs ? output + (nint)(o0 + j) * plane + (nint)oy * OutWidth : dummy;
                    float* w = Weights + (nint)o0 * Taps;
                    float* bias = Bias + o0;
                    if (Path == SimdPath.Vector512)
                        DirectConvKernel<Lanes512, Vector512<float>>.Row(taps, Taps, w, bias, Lo, Hi, outs, tailOuts, tail, OutWidth);
                    else
                        DirectConvKernel<Lanes256, Vector256<float>>.Row(taps, Taps, w, bias, Lo, Hi, outs, tailOuts, tail, OutWidth);
                }
            }
        }

        /// <summary>Input row → slot with its zero border; at stride 2 padded column j goes to evens[j/2] or odds[j/2].</summary>
        readonly void FillSlot(float* src, float* slot, int slotWidth, int half)
        {
            new Span<float>(slot, slotWidth).Clear();
            int padW = Window.PadW;
            if (Window.StrideW == 1)
            {
                new ReadOnlySpan<float>(src, Width).CopyTo(new Span<float>(slot + padW, Width));
                return;
            }
            // With odd padding the input's even columns land on odd padded ones, and the other way round.
            bool odd = (padW & 1) == 1;
            float* evens = odd ? slot + half + padW / 2 : slot + padW / 2;
            float* odds = odd ? slot + (padW + 1) / 2 : slot + half + padW / 2;
            Lanes256.SplitRow(src, Width, evens, odds);
        }

        /// <summary>The scalar path: output rows [y0, y1) straight from the definition, taps in the padding skipped.</summary>
        readonly void Direct(float* input, float* output, int y0, int y1)
        {
            var wd = Window;
            for (int o = 0; o < Outputs; o++)
            {
                float* w = Weights + (nint)(o / Block) * Taps * Block + o % Block;
                for (int oy = y0; oy < y1; oy++)
                {
                    for (int ox = 0; ox < OutWidth; ox++)
                    {
                        float sum = Bias[o];
                        int t = 0;
                        for (int c = 0; c < Channels; c++)
                        {
                            for (int ky = 0; ky < wd.KernelH; ky++)
                            {
                                int iy = oy * wd.StrideH - wd.PadH + ky;
                                for (int kx = 0; kx < wd.KernelW; kx++, t++)
                                {
                                    int ix = ox * wd.StrideW - wd.PadW + kx;
                                    if ((uint)iy < (uint)Height && (uint)ix < (uint)Width)
                                        sum += w[t * Block] * input[((nint)c * Height + iy) * Width + ix];
                                }
                            }
                        }
                        output[((nint)o * OutHeight + oy) * OutWidth + ox] = MathF.Min(MathF.Max(sum, Lo), Hi);
                    }
                }
            }
        }
    }
}
