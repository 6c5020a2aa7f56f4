using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Prototype: 3x3 depthwise convolution in the NCHWc layout (<see cref="ChannelBlocked"/>), AVX2.
/// One output pixel of a channel block is 9 FMAs on whole vectors, at any stride and image size:
/// no shuffles, no row copies, and the border is the same code with the taps outside skipped.
/// </summary>
public static unsafe class DepthwiseConvBlocked
{
    const int C = ChannelBlocked.Block;

    /// <summary>
    /// output = activation(depthwise 3x3(input) + bias), input and output NCHWc, weights channels x 3 x 3
    /// and bias as for <see cref="DepthwiseConv"/>; stride 1 or 2, padding 0 or more.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output, int batch, int channels, int height, int width,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvWindow window, Activation activation = default,
        WorkerPool? pool = null)
    {
        window.Check(height, width);
        if (window.KernelH != 3 || window.KernelW != 3 || window.DilationH != 1 || window.DilationW != 1 || window.StrideH != window.StrideW)
            throw new ArgumentException($"the blocked depthwise prototype takes 3x3 windows with one stride, not {window}");
        int oh = window.OutputHeight(height), ow = window.OutputWidth(width);
        if (input.Length < ChannelBlocked.Size(batch, channels, height, width) || output.Length < ChannelBlocked.Size(batch, channels, oh, ow))
            throw new ArgumentException("blocked input or output too small");
        if (weights.Length < channels * 9 || (!bias.IsEmpty && bias.Length < channels))
            throw new ArgumentException("weights need channels x 9 values, bias none or one per channel");
        fixed (float* pin = input)
        fixed (float* pout = output)
        fixed (float* pw = weights)
        fixed (float* pb = bias)
        {
            var job = new Job
            {
                Input = pin, Output = pout, Weights = pw, Bias = bias.IsEmpty ? null : pb, Channels = channels,
                Blocks = ChannelBlocked.Blocks(channels), Height = height, Width = width, OutHeight = oh, OutWidth = ow,
                Stride = window.StrideH, PadH = window.PadH, PadW = window.PadW, Lo = activation.Min, Hi = activation.Max,
            };
            int tasks = batch * job.Blocks;
            if (pool == null)
                for (int i = 0; i < tasks; i++)
                    job.Execute(i);
            else
                pool.For(tasks, job);
        }
    }

    struct Job : IParallelJob
    {
        public float* Input, Output, Weights, Bias;
        public int Channels, Blocks, Height, Width, OutHeight, OutWidth, Stride, PadH, PadW;
        public float Lo, Hi;

        public readonly void Execute(int index) =>
            Block(index % Blocks, Input + (nint)index * Height * Width * C, Output + (nint)index * OutHeight * OutWidth * C);

        /// <summary>One channel block: input and output point at its H x W x 8 and OH x OW x 8 tiles.</summary>
        [SkipLocalsInit]
        public readonly void Block(int block, float* input, float* output)
        {
            // The block's weights as 9 vectors of 8 channels (tap-major), its bias, its clamp.
            var w = stackalloc Vector256<float>[12];
            float* lanes = (float*)w;
            for (int t = 0; t < 9; t++)
                for (int l = 0; l < C; l++)
                {
                    int c = block * C + l;
                    lanes[t * C + l] = c < Channels ? Weights[c * 9 + t] : 0f;
                }
            for (int l = 0; l < C; l++)
            {
                int c = block * C + l;
                lanes[9 * C + l] = c < Channels && Bias != null ? Bias[c] : 0f;
            }
            w[10] = Vector256.Create(Lo);
            w[11] = Vector256.Create(Hi);
            // Interior outputs: all 9 taps inside the image.
            int x0 = Math.Min(OutWidth, (PadW + Stride - 1) / Stride), x1 = Math.Max(x0, InteriorEnd(Width, PadW, OutWidth));
            int y0 = Math.Min(OutHeight, (PadH + Stride - 1) / Stride), y1 = Math.Max(y0, InteriorEnd(Height, PadH, OutHeight));
            for (int oy = 0; oy < OutHeight; oy++)
            {
                float* o = output + (nint)oy * OutWidth * C;
                if (oy < y0 || oy >= y1)
                {
                    for (int ox = 0; ox < OutWidth; ox++)
                        Border(input, oy, ox, w, o + ox * C);
                    continue;
                }
                for (int ox = 0; ox < x0; ox++)
                    Border(input, oy, ox, w, o + ox * C);
                float* r0 = input + ((nint)(oy * Stride - PadH) * Width + (x0 * Stride - PadW)) * C;
                Interior(r0, Width * C, Stride * C, x1 - x0, w, o + x0 * C);
                for (int ox = x1; ox < OutWidth; ox++)
                    Border(input, oy, ox, w, o + ox * C);
            }
        }

        /// <summary>One past the last output whose 3 taps along this axis are all inside the input.</summary>
        readonly int InteriorEnd(int size, int pad, int outSize) => size - 3 + pad < 0 ? 0 : Math.Min(outSize, (size - 3 + pad) / Stride + 1);

        /// <summary>A border pixel: the taps that fall inside the image.</summary>
        readonly void Border(float* input, int oy, int ox, Vector256<float>* w, float* o)
        {
            var acc = w[9];
            for (int ky = 0; ky < 3; ky++)
            {
                int iy = oy * Stride - PadH + ky;
                if ((uint)iy >= (uint)Height)
                    continue;
                for (int kx = 0; kx < 3; kx++)
                {
                    int ix = ox * Stride - PadW + kx;
                    if ((uint)ix < (uint)Width)
                        acc = Vector256.FusedMultiplyAdd(w[ky * 3 + kx], Vector256.Load(input + ((nint)iy * Width + ix) * C), acc);
                }
            }
            Vector256.Store(Vector256.MinNative(Vector256.MaxNative(acc, w[10]), w[11]), o);
        }
    }

    /// <summary>A run of interior pixels: two per step, so two FMA chains run side by side.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    static void Interior(float* r0, int rowStride, int step, int count, Vector256<float>* w, float* o)
    {
        var w0 = w[0]; var w1 = w[1]; var w2 = w[2]; var w3 = w[3]; var w4 = w[4];
        var w5 = w[5]; var w6 = w[6]; var w7 = w[7]; var w8 = w[8];
        float* r1 = r0 + rowStride, r2 = r1 + rowStride;
        int i = 0;
        for (; i + 2 <= count; i += 2)
        {
            nint p = (nint)i * step, q = p + step;
            var a = Vector256.FusedMultiplyAdd(w0, Vector256.Load(r0 + p), w[9]);
            var b = Vector256.FusedMultiplyAdd(w0, Vector256.Load(r0 + q), w[9]);
            a = Vector256.FusedMultiplyAdd(w1, Vector256.Load(r0 + p + C), a);
            b = Vector256.FusedMultiplyAdd(w1, Vector256.Load(r0 + q + C), b);
            a = Vector256.FusedMultiplyAdd(w2, Vector256.Load(r0 + p + 2 * C), a);
            b = Vector256.FusedMultiplyAdd(w2, Vector256.Load(r0 + q + 2 * C), b);
            a = Vector256.FusedMultiplyAdd(w3, Vector256.Load(r1 + p), a);
            b = Vector256.FusedMultiplyAdd(w3, Vector256.Load(r1 + q), b);
            a = Vector256.FusedMultiplyAdd(w4, Vector256.Load(r1 + p + C), a);
            b = Vector256.FusedMultiplyAdd(w4, Vector256.Load(r1 + q + C), b);
            a = Vector256.FusedMultiplyAdd(w5, Vector256.Load(r1 + p + 2 * C), a);
            b = Vector256.FusedMultiplyAdd(w5, Vector256.Load(r1 + q + 2 * C), b);
            a = Vector256.FusedMultiplyAdd(w6, Vector256.Load(r2 + p), a);
            b = Vector256.FusedMultiplyAdd(w6, Vector256.Load(r2 + q), b);
            a = Vector256.FusedMultiplyAdd(w7, Vector256.Load(r2 + p + C), a);
            b = Vector256.FusedMultiplyAdd(w7, Vector256.Load(r2 + q + C), b);
            a = Vector256.FusedMultiplyAdd(w8, Vector256.Load(r2 + p + 2 * C), a);
            b = Vector256.FusedMultiplyAdd(w8, Vector256.Load(r2 + q + 2 * C), b);
            Vector256.Store(Vector256.MinNative(Vector256.MaxNative(a, w[10]), w[11]), o + (nint)i * C);
            Vector256.Store(Vector256.MinNative(Vector256.MaxNative(b, w[10]), w[11]), o + (nint)(i + 1) * C);
        }
        for (; i < count; i++)
        {
            nint p = (nint)i * step;
            var a = Vector256.FusedMultiplyAdd(w0, Vector256.Load(r0 + p), w[9]);
            a = Vector256.FusedMultiplyAdd(w1, Vector256.Load(r0 + p + C), a);
            a = Vector256.FusedMultiplyAdd(w2, Vector256.Load(r0 + p + 2 * C), a);
            a = Vector256.FusedMultiplyAdd(w3, Vector256.Load(r1 + p), a);
            a = Vector256.FusedMultiplyAdd(w4, Vector256.Load(r1 + p + C), a);
            a = Vector256.FusedMultiplyAdd(w5, Vector256.Load(r1 + p + 2 * C), a);
            a = Vector256.FusedMultiplyAdd(w6, Vector256.Load(r2 + p), a);
            a = Vector256.FusedMultiplyAdd(w7, Vector256.Load(r2 + p + C), a);
            a = Vector256.FusedMultiplyAdd(w8, Vector256.Load(r2 + p + 2 * C), a);
            Vector256.Store(Vector256.MinNative(Vector256.MaxNative(a, w[10]), w[11]), o + (nint)i * C);
        }
    }
}
