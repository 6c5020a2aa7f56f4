namespace CaffeNet.Runtime.Simd;

/// <summary>
/// A 1x1 convolution into many channels followed by a depthwise convolution of its result (an
/// inverted residual block's expansion), on channel-blocked tensors, band by band of output rows:
/// the expansion writes the input rows a band needs into a small buffer, which the depthwise
/// kernel reads while it is still in L2, so the expanded tensor (several MB at MobileNetV2's first
/// blocks) never goes to memory and back. Each kernel is <see cref="BlockedPointwise"/> or
/// <see cref="BlockedDepthwise"/> as it is, on the same sums in the same order: the output equals
/// theirs run one after the other, bit for bit.
/// </summary>
internal static unsafe class BlockedExpandDepthwise
{
    /// <summary>Bytes of the band buffer: the expanded rows of a band stay in a 2 MB L2 beside the input and output rows.</summary>
    const int BufferBytes = 512 * 1024;

    /// <summary>
    /// Whether the expanded tensor of one image (<paramref name="channels"/> x plane) outgrows what
    /// stays in L2 between two layers: only then is the band order worth its extra steps.
    /// </summary>
    public static bool Pays(int channels, int height, int width) => (long)channels * height * width * sizeof(float) > 1024 * 1024;

    /// <summary>The expanded rows the band buffer holds, for the scratch it takes.</summary>
    public static long BufferFloats(int block, int channels, int height, int width, ConvWindow window)
    {
        var (_, rows) = Bands(block, channels, width, window);
        return (long)Blocks(channels, block) * Math.Min(rows, height) * width * block;
    }

    /// <summary>
    /// Blocked batch x inputs x height x width, through the 1x1 convolution to
    /// <paramref name="channels"/> (its weights packed by <see cref="BlockedPointwise.PackWeights"/>,
    /// clamped by <paramref name="expandActivation"/>), then the depthwise convolution of
    /// <paramref name="window"/> (packed by <see cref="BlockedDepthwise.PackWeights"/>), to blocked
    /// batch x channels x output plane. Work is spread over the pool by runs of output rows.
    /// <paramref name="band"/> sets the output rows to a band (0: as many as the buffer's size allows).
    /// </summary>
    public static void Forward(int block, ReadOnlySpan<float> input, Span<float> output, int batch, int inputs, int channels, int height,
        int width, ReadOnlySpan<float> expandWeights, ReadOnlySpan<float> expandBias, Activation expandActivation,
        ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, ConvWindow window, Activation activation, WorkerPool? pool, int band = 0)
    {
        window.Check(height, width);
        BlockedIo.CheckBlock(block);
        int blocks = Blocks(channels, block), oh = window.OutputHeight(height), ow = window.OutputWidth(width);
        if (input.Length < (long)batch * Blocks(inputs, block) * height * width * block || output.Length < (long)batch * blocks * oh * ow * block)
            throw new ArgumentException($"blocked tensors of {batch}x{inputs}x{height}x{width} -> {channels}x{oh}x{ow} are too short");
        if (expandWeights.Length < (long)blocks * inputs * block || expandBias.Length < blocks * block
            || weights.Length < blocks * window.KernelH * window.KernelW * block || bias.Length < blocks * block)
            throw new ArgumentException("packed weights or bias too short");
        if (input.Overlaps(output))
            throw new ArgumentException("input must not overlap output", nameof(output));
        fixed (float* pin = input)
        fixed (float* pout = output)
        fixed (float* pew = expandWeights)
        fixed (float* peb = expandBias)
        fixed (float* pw = weights)
        fixed (float* pb = bias)
        {
            var expand = BlockedPointwise.Sized(block, 1, inputs, channels, height * width, expandActivation, residualInOutput: false, pool: null);
            expand.Weights = pew;
            expand.Bias = peb;
            var depthwise = BlockedDepthwise.Sized(block, 1, channels, height, width, window, activation, pool: null);
            depthwise.Weights = pw;
            depthwise.Bias = pb;
            int rows;
            (band, rows) = band > 0 ? (band, BufferRowsFor(band, window)) : Bands(block, channels, width, window);
            var job = new Job
            {
                Expand = expand, Depthwise = depthwise, Input = pin, Output = pout, Band = band, BufferRows = Math.Min(rows, height),
                InImage = (nint)Blocks(inputs, block) * height * width * block, OutImage = (nint)blocks * oh * ow * block,
                Units = (long)batch * oh,
            };
            // One task per thread: each starts its band buffer afresh, so each task boundary
            // expands the rows both sides' windows share twice. (The executor chains pairs only on
            // one thread; image lanes and the tests split them.)
            double work = 7.0 * blocks * ow * window.KernelH * window.KernelW + (double)inputs * blocks * width * window.StrideH;
            int tasks = WorkSplit.Tasks(pool, job.Units, work);
            job.Tasks = Math.Min(tasks, pool?.ThreadCount ?? 1);
            WorkerPool.For(pool, job.Tasks, job);
        }
    }

    static int Blocks(int channels, int block) => (channels + block - 1) / block;

    /// <summary>Output rows to a band, and the expanded rows the buffer holds: a band's window rows, and a band more to slide into.</summary>
    static (int Band, int Rows) Bands(int block, int channels, int width, ConvWindow window)
    {
        long rowBytes = (long)Blocks(channels, block) * width * block * sizeof(float);
        int band = (int)Math.Clamp((BufferBytes / rowBytes - Reach(window)) / (2 * window.StrideH), 1, 64);
        return (band, BufferRowsFor(band, window));
    }

    static int BufferRowsFor(int band, ConvWindow window) => 2 * band * window.StrideH + Reach(window);

    /// <summary>Input rows one output row's window spans.</summary>
    static int Reach(ConvWindow window) => (window.KernelH - 1) * window.DilationH + 1;

    struct Job : IParallelJob
    {
        public BlockedPointwise.Job Expand;
        public BlockedDepthwise.Job Depthwise;
        public float* Input, Output;
        public nint InImage, OutImage;
        public int Band, BufferRows, Tasks;
        public long Units;

        public readonly void Execute(int index)
        {
            foreach (var (image, first, last) in WorkSplit.Runs(index, Tasks, Units, Depthwise.OutHeight))
                Rows(image, first, last);
        }

        /// <summary>Output rows [first, last) of one image, band by band.</summary>
        readonly void Rows(int image, int first, int last)
        {
            var w = Depthwise.Window;
            int width = Depthwise.Width, height = Depthwise.Height, blocks = Depthwise.Blocks, b = Depthwise.Block;
            nint rowFloats = (nint)width * b, blockFloats = BufferRows * rowFloats;
            float* buffer = Scratch.ExpandedRows(checked((int)(blocks * blockFloats)));
            var expand = Expand;
            expand.Input = Input + image * InImage;
            expand.OutPlane = blockFloats;
            var depthwise = Depthwise;
            depthwise.InPlane = blockFloats;
            depthwise.Output = Output + image * OutImage;
            // The buffer holds expanded rows [top, filled): row y of block cb at buffer + cb * blockFloats + (y - top) * rowFloats.
            int top = 0, filled = 0;
            for (int y0 = first; y0 < last; y0 += Band)
            {
                int y1 = Math.Min(last, y0 + Band);
                int lo = Math.Clamp(y0 * w.StrideH - w.PadH, 0, height);
                int hi = Math.Clamp((y1 - 1) * w.StrideH - w.PadH + (w.KernelH - 1) * w.DilationH + 1, lo, height);
                if (y0 == first || lo >= filled)
                    (top, filled) = (lo, lo);
                else if (hi - top > BufferRows)
                {
                    // Slide: the rows this band shares with the last one move to the front.
                    for (int cb = 0; cb < blocks; cb++)
                    {
                        float* at = buffer + cb * blockFloats;
                        Buffer.MemoryCopy(at + (lo - top) * rowFloats, at, blockFloats * sizeof(float), (filled - lo) * rowFloats * sizeof(float));
                    }
                    top = lo;
                }
                if (hi > filled)
                {
                    expand.Output = buffer - top * rowFloats;
                    expand.RunPixels(0, filled * width, hi * width);
                    filled = hi;
                }
                depthwise.Input = buffer - top * rowFloats;
                for (int cb = 0; cb < blocks; cb++)
                    depthwise.Run(cb, cb, y0, y1);
            }
        }
    }
}
