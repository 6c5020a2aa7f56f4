namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Depthwise convolution (group = channels = outputs) in NCHW: each input plane is convolved with
/// its own kernel, + bias, then the fused activation. 3x3 windows with stride 1 or 2 (any padding,
/// dilation 1) take the vector kernels: each plane is first copied into a zero-bordered scratch
/// plane, so the border costs one copy and the kernels run the same branch-free code on every
/// output. Other windows take a direct scalar loop.
/// </summary>
public static unsafe class DepthwiseConv
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
            // Chunks of planes big enough (>= ~4K outputs) that handing them out costs little.
            job.PlanesPerTask = Math.Max(1, Math.Min(job.Planes, 4096 / (oh * ow)));
            int tasks = (job.Planes + job.PlanesPerTask - 1) / job.PlanesPerTask;
            if (pool == null || tasks == 1)
            {
                for (int i = 0; i < tasks; i++)
                    job.Execute(i);
            }
            else
            {
                pool.For(tasks, job);
            }
        }
    }

    /// <summary>Whether the vector kernels handle this window.</summary>
    static bool IsFast(ConvWindow w) =>
        w.KernelH == 3 && w.KernelW == 3 && w.DilationH == 1 && w.DilationW == 1 &&
        w.StrideH == w.StrideW && w.StrideH is 1 or 2;

    struct DepthwiseJob : IParallelJob
    {
        public SimdPath Path;
        public float* Input, Output, Weights, Bias;
        public int Channels, Height, Width, OutHeight, OutWidth, Planes, PlanesPerTask;
        public ConvWindow Window;
        public float Lo, Hi;

        public readonly void Execute(int index)
        {
            int first = index * PlanesPerTask, last = Math.Min(Planes, first + PlanesPerTask);
            int taps = Window.KernelH * Window.KernelW;
            bool fast = IsFast(Window) && Path != SimdPath.Scalar;
            // Room for the border, for windows that hang past it (Caffe's output size rounds toward
            // zero, so an input smaller than the window still gives one output), and for the
            // over-read of the last, partial vector of a row (2 vectors + 2 at stride 2).
            int paddedWidth = Math.Max(Width + 2 * Window.PadW, Window.StrideW * (OutWidth - 1) + 3) + 2 * 16 + 2;
            int paddedHeight = Math.Max(Height + 2 * Window.PadH, Window.StrideH * (OutHeight - 1) + 3);
            float* padded = fast ? Scratch.PaddedPlane(paddedWidth * paddedHeight) : null;
            for (int p = first; p < last; p++)
            {
                int c = p % Channels;
                float* input = Input + (nint)p * Height * Width;
                float* output = Output + (nint)p * OutHeight * OutWidth;
                float* w = Weights + (nint)c * taps;
                float bias = Bias != null ? Bias[c] : 0f;
                if (!fast)
                {
                    Direct(input, Height, Width, w, bias, output, OutHeight, OutWidth, Window, Lo, Hi);
                    continue;
                }
                CopyPadded(input, Height, Width, Window.PadH, Window.PadW, padded, paddedWidth, paddedHeight);
                if (Path == SimdPath.Vector512)
                    DepthwiseKernel512.Plane3x3(padded, paddedWidth, w, bias, output, OutHeight, OutWidth, Window.StrideH, Lo, Hi);
                else
                    DepthwiseKernel256.Plane3x3(padded, paddedWidth, w, bias, output, OutHeight, OutWidth, Window.StrideH, Lo, Hi);
            }
        }
    }

    /// <summary>Copies a plane into the middle of a zeroed frame: pad rows and columns around it.</summary>
    static void CopyPadded(float* input, int height, int width, int padH, int padW, float* padded, int paddedWidth, int paddedHeight)
    {
        new Span<float>(padded, paddedWidth * padH).Clear();
        for (int y = 0; y < height; y++)
        {
            float* row = padded + (nint)(y + padH) * paddedWidth;
            new Span<float>(row, padW).Clear();
            new ReadOnlySpan<float>(input + (nint)y * width, width).CopyTo(new Span<float>(row + padW, width));
            new Span<float>(row + padW + width, paddedWidth - padW - width).Clear();
        }
        new Span<float>(padded + (nint)(height + padH) * paddedWidth, paddedWidth * (paddedHeight - height - padH)).Clear();
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
