using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Simd;

/// <summary>
/// Group-1 convolution as im2col + <see cref="Sgemm"/>, a strip of output rows at a time: each task
/// builds the columns of its own strip in per-thread scratch, small enough to stay in L2 while the
/// GEMM reads it, and multiplies them on its own thread. So the im2col runs on every thread too, and
/// no full-image column buffer is kept. Strips depend only on the shapes, and each output is computed
/// the same way in whichever strip, so results do not depend on the thread count.
/// </summary>
internal static unsafe class Im2ColConv
{
    /// <summary>Floats of columns a strip aims at: 256 KB, half this Zen 3's L2.</summary>
    const int StripFloats = 64 * 1024;
    /// <summary>Fewest output columns of a strip: narrower GEMMs repack B too often for what they compute.</summary>
    const int MinColumns = 256;

    /// <summary>
    /// output = activation(weights · im2col(input) + bias + residual), input batch x channels x height x
    /// width, weights packed as outputs x (channels·kh·kw), output and residual (empty, or a fused
    /// shortcut's other input) batch x outputs x outHeight x outWidth.
    /// </summary>
    public static void Forward(PackedMatrix weights, ReadOnlySpan<float> input, Span<float> output, int batch, int channels,
        int height, int width, in ConvolutionParams p, int outHeight, int outWidth, ReadOnlySpan<float> bias,
        ReadOnlySpan<float> residual = default, Activation activation = default, WorkerPool? pool = null)
    {
        ArgumentNullException.ThrowIfNull(weights);
        int k = channels * p.KernelH * p.KernelW;
        if (weights.Columns != k || weights.Rows != p.NumOutput)
            throw new ArgumentException($"weights of {weights.Rows} x {weights.Columns} do not fit {p.NumOutput} x {k}", nameof(weights));
        if (input.Length < (long)batch * channels * height * width)
            throw new ArgumentException($"input of {batch}x{channels}x{height}x{width} needs more than {input.Length} floats", nameof(input));
        if (output.Length < (long)batch * p.NumOutput * outHeight * outWidth)
            throw new ArgumentException($"output of {batch}x{p.NumOutput}x{outHeight}x{outWidth} needs more than {output.Length} floats", nameof(output));
        if (!residual.IsEmpty && residual.Length < (long)batch * p.NumOutput * outHeight * outWidth)
            throw new ArgumentException($"residual of {batch}x{p.NumOutput}x{outHeight}x{outWidth} needs more than {residual.Length} floats", nameof(residual));
        int stripRows = StripRows(k, outHeight, outWidth);
        fixed (float* pin = input)
        fixed (float* pout = output)
        fixed (float* pb = bias)
        fixed (float* pr = residual)
        {
            var job = new Job
            {
                Weights = weights, Input = pin, Output = pout, Bias = pb, Residual = residual.IsEmpty ? null : pr, BiasLength = bias.Length, Params = p,
                Channels = channels, Height = height, Width = width, OutHeight = outHeight, OutWidth = outWidth,
                K = k, StripRows = stripRows, Strips = (outHeight + stripRows - 1) / stripRows, Activation = activation,
            };
            int tasks = batch * job.Strips;
            // A single strip has the pool to itself for its GEMM.
            job.Pool = tasks == 1 ? pool : null;
            WorkerPool.For(pool, tasks, job);
        }
    }

    static int StripRows(int k, int outHeight, int outWidth) =>
        Math.Clamp(Math.Max(StripFloats / (k * outWidth), (MinColumns + outWidth - 1) / outWidth), 1, outHeight);

    /// <summary>For memory estimates: a strip's columns and what its GEMM asks for.</summary>
    internal static void NeedScratch(SimdPath path, int k, int outHeight, int outWidth, ScratchEstimate scratch)
    {
        int columns = StripRows(k, outHeight, outWidth) * outWidth;
        scratch.PerThread(ScratchKind.Columns, (long)k * columns);
        Sgemm.NeedScratch(path, k, columns, transposeB: false, scratch);
    }

    struct Job : IParallelJob
    {
        public PackedMatrix Weights;
        public float* Input, Output, Bias, Residual;
        public int BiasLength;
        public ConvolutionParams Params;
        public int Channels, Height, Width, OutHeight, OutWidth, K, StripRows, Strips;
        public Activation Activation;
        public WorkerPool? Pool;

        public readonly void Execute(int index)
        {
            int image = index / Strips, y0 = index % Strips * StripRows, rows = Math.Min(StripRows, OutHeight - y0);
            int n = rows * OutWidth, plane = OutHeight * OutWidth, inImage = Channels * Height * Width;
            var columns = new Span<float>(Scratch.Columns(K * n), K * n);
            Im2Col.Forward(new ReadOnlySpan<float>(Input + (nint)image * inImage, inImage), Channels, Height, Width, Params,
                OutWidth, y0, rows, columns);
            nint offset = (nint)image * Params.NumOutput * plane + (nint)y0 * OutWidth;
            int length = (Params.NumOutput - 1) * plane + n;
            var residual = Residual != null ? new ReadOnlySpan<float>(Residual + offset, length) : default;
            Sgemm.Multiply(Weights, columns, n, new Span<float>(Output + offset, length), plane, n,
                new ReadOnlySpan<float>(Bias, BiasLength), residual, residual.IsEmpty ? 0 : plane, Activation, pool: Pool);
        }
    }
}
