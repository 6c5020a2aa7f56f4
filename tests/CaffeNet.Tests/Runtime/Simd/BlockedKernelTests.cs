using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

/// <summary>
/// The channel-blocked kernels on 256-bit (block 8) and 512-bit (block 16) lanes (emulated where the
/// CPU lacks AVX-512) against the
/// definition in double, on NCHW data reordered in and out: odd channel counts (padding lanes),
/// strides, padding, dilation, 1x1 to 13x9 planes, with and without the fused shortcut and clamp.
/// </summary>
public class BlockedKernelTests
{
    internal const float Guard = -12345f;

    [Fact]
    public void Reorders_put_a_pixels_channels_side_by_side_and_zero_the_padding_lanes()
    {
        // 3 channels of 2 pixels, block 8: pixel 0 holds channels 0..2 = 1, 3, 5; pixel 1 holds 2, 4, 6.
        float[] nchw = [1, 2, 3, 4, 5, 6];
        var blocked = Enumerable.Repeat(Guard, 16).ToArray();
        BlockedReorder.ToBlocked(nchw, blocked, 1, 3, 2, 8);
        Assert.Equal([1, 3, 5, 0, 0, 0, 0, 0, 2, 4, 6, 0, 0, 0, 0, 0], blocked);
        var back = new float[6];
        BlockedReorder.ToNchw(blocked, back, 1, 3, 2, 8);
        Assert.Equal(nchw, back);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Reorders_round_trip_across_images_and_blocks(int block)
    {
        int batch = 2, channels = 37, plane = 5;
        var nchw = Reference.Random(batch * channels * plane, 3);
        var blocked = new float[batch * Padded(channels, block) * plane];
        BlockedReorder.ToBlocked(nchw, blocked, batch, channels, plane, block);
        // Image 1, channel 20, pixel 3 sits in block 20 / block, lane 20 % block.
        int blocks = Padded(channels, block) / block;
        Assert.Equal(nchw[(1 * channels + 20) * plane + 3], blocked[((1 * blocks + 20 / block) * plane + 3) * block + 20 % block]);
        var back = new float[nchw.Length];
        BlockedReorder.ToNchw(blocked, back, batch, channels, plane, block);
        Assert.Equal(nchw, back);
    }

    [Fact]
    public void Global_mean_of_a_blocked_tensor_averages_each_channel()
    {
        // 2 channels of 3 pixels: (1, 2, 3) -> 2 and (10, 20, 60) -> 30.
        var blocked = new float[3 * 8];
        BlockedReorder.ToBlocked([1, 2, 3, 10, 20, 60], blocked, 1, 2, 3, 8);
        var output = new float[2];
        BlockedGlobalMean.Forward(blocked, output, 1, 2, 3, 8);
        Assert.Equal([2f, 30f], output);
    }

    public static TheoryData<int, int> BlocksAndChannels()
    {
        var data = new TheoryData<int, int>();
        foreach (int block in new[] { 8, 16 })
            foreach (int channels in new[] { 1, 7, 16, 17, 33, 100 })
                data.Add(block, channels);
        return data;
    }

    static readonly ConvWindow[] Windows =
    [
        ConvWindow.Square(3, 1, 1),
        ConvWindow.Square(3, 2, 1),
        ConvWindow.Square(3, 2, 0),
        ConvWindow.Square(5, 1, 2),
        new(3, 3, 1, 1, 2, 2, 2, 2),   // dilation 2
        new(5, 3, 3, 2, 2, 1),         // uneven kernel and strides
        ConvWindow.Square(7, 1, 0),    // the whole 7x7 plane in one window
    ];

    // 40 wide: 3-wide windows at stride 2 have chunks of eight columns clear of both borders.
    static readonly (int H, int W)[] Planes = [(1, 1), (7, 7), (9, 13), (2, 31), (14, 14), (3, 40)];

    [Theory]
    [MemberData(nameof(BlocksAndChannels))]
    public void Depthwise_matches_the_definition(int block, int channels)
    {
        int variant = 0;
        foreach (var window in Windows)
        {
            foreach (var (h, w) in Planes)
            {
                if (h + 2 * window.PadH < window.DilationH * (window.KernelH - 1) + 1 || w + 2 * window.PadW < window.DilationW * (window.KernelW - 1) + 1)
                    continue;
                variant++;
                var activation = (variant % 3) switch { 0 => Activation.None, 1 => Activation.Relu, _ => Activation.Clamp(-0.5f, 0.5f) };
                RunDepthwise(block, batch: 1 + variant % 2, channels, h, w, window, activation, residual: variant % 4 == 1, threads: variant % 5 == 2 ? 2 : 1);
            }
        }
    }

    static void RunDepthwise(int block, int batch, int channels, int h, int w, ConvWindow window, Activation activation, bool residual, int threads)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w), taps = window.KernelH * window.KernelW;
        var input = Reference.Random(batch * channels * h * w, 11);
        var weights = Reference.Random(channels * taps, 12);
        var bias = Reference.Random(channels, 13);
        var shortcut = residual ? Reference.Random(batch * channels * oh * ow, 14) : null;
        int outBlocked = batch * Padded(channels, block) * oh * ow;
        var output = Enumerable.Repeat(Guard, outBlocked + 64).ToArray();
        using var pool = threads > 1 ? new WorkerPool(threads, minTaskWork: 1) : null; // every layer split, however small
        BlockedDepthwise.Forward(block, Blocked(input, batch, channels, h * w, block), output.AsSpan(0, outBlocked),
            shortcut is null ? default : Blocked(shortcut, batch, channels, oh * ow, block), batch, channels, h, w,
            BlockedDepthwise.PackWeights(weights, channels, taps, block), BlockedDepthwise.PackChannels(bias, channels, block),
            window, activation, pool);
        Assert.All(output[outBlocked..], g => Assert.Equal(Guard, g));
        Assert.All(output[..outBlocked], v => Assert.True(float.IsFinite(v)));
        var got = new float[batch * channels * oh * ow];
        BlockedReorder.ToNchw(output, got, batch, channels, oh * ow, block);
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < channels; c++)
            {
                for (int oy = 0; oy < oh; oy++)
                {
                    for (int ox = 0; ox < ow; ox++)
                    {
                        var terms = new List<double> { bias[c] };
                        for (int ky = 0; ky < window.KernelH; ky++)
                        {
                            for (int kx = 0; kx < window.KernelW; kx++)
                            {
                                int iy = oy * window.StrideH - window.PadH + ky * window.DilationH;
                                int ix = ox * window.StrideW - window.PadW + kx * window.DilationW;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                    terms.Add((double)weights[c * taps + ky * window.KernelW + kx] * input[((n * channels + c) * h + iy) * w + ix]);
                            }
                        }
                        int at = ((n * channels + c) * oh + oy) * ow + ox;
                        if (shortcut != null)
                            terms.Add(shortcut[at]);
                        Check(terms, activation, got[at], $"block {block} C={channels} {h}x{w} {window} {activation} [{n},{c},{oy},{ox}]");
                    }
                }
            }
        }
    }

    public static TheoryData<int, int, int> BlocksInputsOutputs()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int block in new[] { 8, 16 })
        {
            foreach (var (inputs, outputs) in new[] { (1, 1), (5, 9), (16, 16), (24, 40), (37, 17), (300, 70), (601, 20) })
                data.Add(block, inputs, outputs);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BlocksInputsOutputs))]
    public void Pointwise_matches_the_definition(int block, int inputs, int outputs)
    {
        int variant = 0;
        foreach (int plane in new[] { 1, 5, 6, 7, 8, 9, 10, 13, 49 })
        {
            variant++;
            var activation = (variant % 3) switch { 0 => Activation.None, 1 => Activation.Clamp(0, 6), _ => Activation.Relu };
            RunPointwise(block, 1 + variant % 2, inputs, outputs, plane, activation, residual: variant % 2 == 0, threads: variant % 3 == 1 ? 2 : 1);
        }
    }

    /// <summary>Many input channels (taken in chunks where the residual has memory of its own) and an in-place residual.</summary>
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Pointwise_adds_a_residual_that_shares_the_outputs_memory(int block) =>
        RunPointwise(block, 1, 600, 20, 13, Activation.Relu, residual: true, threads: 1, inPlace: true);

    /// <summary>Input channels in chunks on the pixel-tile split (the input outweighs the weights), on 2 threads with a residual.</summary>
    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void Pointwise_in_chunks_over_pixel_tiles_matches_the_definition(int block) =>
        RunPointwise(block, 2, 601, 20, 400, Activation.Clamp(0, 6), residual: true, threads: 2);

    /// <summary>
    /// Tiles of three blocks by seven pixels (AVX-512 on a 7x7 or 13-pixel plane): 70 outputs are a
    /// group of three blocks and one of two (on six-pixel tiles), 601 inputs go in chunks.
    /// </summary>
    [Theory]
    [InlineData(49, 1)]
    [InlineData(49, 2)]
    [InlineData(13, 2)]
    public void Pointwise_on_tiles_of_seven_pixels_matches_the_definition(int plane, int threads) =>
        RunPointwise(16, 2, 601, 70, plane, Activation.Clamp(0, 6), residual: true, threads);

    static void RunPointwise(int block, int batch, int inputs, int outputs, int plane, Activation activation, bool residual, int threads,
        bool inPlace = false)
    {
        var input = Reference.Random(batch * inputs * plane, 21);
        var weights = Reference.Random(outputs * inputs, 22);
        var bias = Reference.Random(outputs, 23);
        var shortcut = residual ? Reference.Random(batch * outputs * plane, 24) : null;
        int outBlocked = batch * Padded(outputs, block) * plane;
        var output = Enumerable.Repeat(Guard, outBlocked + 64).ToArray();
        using var pool = threads > 1 ? new WorkerPool(threads, minTaskWork: 1) : null; // every layer split, however small
        var blockedShortcut = shortcut is null ? null : Blocked(shortcut, batch, outputs, plane, block);
        if (inPlace)
            blockedShortcut!.CopyTo(output, 0);
        BlockedPointwise.Forward(block, Blocked(input, batch, inputs, plane, block), output.AsSpan(0, outBlocked),
            inPlace ? output.AsSpan(0, outBlocked) : blockedShortcut, batch, inputs, outputs, plane,
            BlockedPointwise.PackWeights(weights, outputs, inputs, block), BlockedDepthwise.PackChannels(bias, outputs, block),
            activation, pool);
        Assert.All(output[outBlocked..], g => Assert.Equal(Guard, g));
        Assert.All(output[..outBlocked], v => Assert.True(float.IsFinite(v)));
        var got = new float[batch * outputs * plane];
        BlockedReorder.ToNchw(output, got, batch, outputs, plane, block);
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                for (int p = 0; p < plane; p++)
                {
                    var terms = new List<double> { bias[o] };
                    for (int c = 0; c < inputs; c++)
                        terms.Add((double)weights[o * inputs + c] * input[(n * inputs + c) * plane + p]);
                    int at = (n * outputs + o) * plane + p;
                    if (shortcut != null)
                        terms.Add(shortcut[at]);
                    Check(terms, activation, got[at], $"block {block} {inputs}->{outputs} plane {plane} {activation} [{n},{o},{p}]");
                }
            }
        }
    }

    public static TheoryData<int, int, int> BlocksChannelsOutputs()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int block in new[] { 8, 16 })
        {
            foreach (var (channels, outputs) in new[] { (1, 5), (3, 16), (3, 33), (4, 8), (3, 64), (2, 100) })
                data.Add(block, channels, outputs);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BlocksChannelsOutputs))]
    public void Direct_from_nchw_matches_the_definition(int block, int channels, int outputs)
    {
        int variant = 0;
        foreach (var window in new[] { ConvWindow.Square(3, 2, 1), ConvWindow.Square(7, 2, 3), new(3, 3, 1, 1, 0, 0, 2, 2), ConvWindow.Square(3, 1, 1) })
        {
            foreach (var (h, w) in new[] { (7, 7), (9, 13), (14, 20), (5, 3) })
            {
                if (window.OutputHeight(h) < 1 || window.OutputWidth(w) < 1)
                    continue;
                variant++;
                var activation = (variant % 3) switch { 0 => Activation.None, 1 => Activation.Relu, _ => Activation.Clamp(-0.5f, 0.5f) };
                RunDirect(block, 1 + variant % 2, channels, outputs, h, w, window, activation, residual: variant % 4 == 3, threads: variant % 5 == 1 ? 2 : 1);
            }
        }
    }

    static void RunDirect(int block, int batch, int channels, int outputs, int h, int w, ConvWindow window, Activation activation, bool residual, int threads)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w), taps = window.KernelH * window.KernelW;
        var input = Reference.Random(batch * channels * h * w, 31);
        var weights = Reference.Random(outputs * channels * taps, 32);
        var bias = Reference.Random(outputs, 33);
        var shortcut = residual ? Reference.Random(batch * outputs * oh * ow, 34) : null;
        int outBlocked = batch * Padded(outputs, block) * oh * ow;
        var output = Enumerable.Repeat(Guard, outBlocked + 64).ToArray();
        using var pool = threads > 1 ? new WorkerPool(threads, minTaskWork: 1) : null; // every layer split, however small
        BlockedDirectConv.Forward(block, input, output.AsSpan(0, outBlocked),
            shortcut is null ? default : Blocked(shortcut, batch, outputs, oh * ow, block), batch, channels, h, w, outputs,
            BlockedDirectConv.PackWeights(weights, outputs, channels, taps, block), BlockedDepthwise.PackChannels(bias, outputs, block),
            window, activation, pool);
        Assert.All(output[outBlocked..], g => Assert.Equal(Guard, g));
        Assert.All(output[..outBlocked], v => Assert.True(float.IsFinite(v)));
        CheckGroupConv(output, block, batch, channels, outputs, h, w, window, input, weights, bias, shortcut, activation);
    }

    public static TheoryData<int, int, int> BlocksConvInputsOutputs()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int block in new[] { 8, 16 })
        {
            // 90 inputs of 3x3 and 37 of 7x7 take the 16-lane kernel's channel chunks (sums kept between them).
            foreach (var (inputs, outputs) in new[] { (5, 9), (16, 16), (37, 17), (24, 70), (90, 20) })
                data.Add(block, inputs, outputs);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BlocksConvInputsOutputs))]
    public void Conv_on_blocked_tensors_matches_the_definition(int block, int inputs, int outputs)
    {
        int variant = 0;
        ConvWindow[] windows =
        [
            ConvWindow.Square(3, 1, 1), ConvWindow.Square(3, 2, 1), ConvWindow.Square(7, 2, 3), ConvWindow.Square(1, 2, 0),
            ConvWindow.Square(3, 1, 0), new(3, 3, 1, 1, 2, 2, 2, 2), new(5, 3, 3, 2, 2, 1),
        ];
        foreach (var window in windows)
        {
            foreach (var (h, w) in new[] { (7, 7), (9, 13), (2, 5) })
            {
                if (window.OutputHeight(h) < 1 || window.OutputWidth(w) < 1 || (inputs > 40 && h == 9))
                    continue;
                variant++;
                var activation = (variant % 3) switch { 0 => Activation.None, 1 => Activation.Relu, _ => Activation.Clamp(-0.5f, 0.5f) };
                RunConv(block, 1 + variant % 2, inputs, outputs, h, w, window, activation, residual: variant % 2 == 0, threads: variant % 5 == 1 ? 2 : 1);
            }
        }
    }

    static void RunConv(int block, int batch, int inputs, int outputs, int h, int w, ConvWindow window, Activation activation, bool residual, int threads)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w), taps = window.KernelH * window.KernelW;
        var input = Reference.Random(batch * inputs * h * w, 41);
        var weights = Reference.Random(outputs * inputs * taps, 42);
        var bias = Reference.Random(outputs, 43);
        var shortcut = residual ? Reference.Random(batch * outputs * oh * ow, 44) : null;
        int outBlocked = batch * Padded(outputs, block) * oh * ow;
        var output = Enumerable.Repeat(Guard, outBlocked + 64).ToArray();
        using var pool = threads > 1 ? new WorkerPool(threads) : null;
        BlockedConv.Forward(block, Blocked(input, batch, inputs, h * w, block), output.AsSpan(0, outBlocked),
            shortcut is null ? default : Blocked(shortcut, batch, outputs, oh * ow, block), batch, inputs, h, w, outputs,
            BlockedConv.PackWeights(weights, outputs, inputs, taps, block), BlockedDepthwise.PackChannels(bias, outputs, block),
            window, activation, pool);
        Assert.All(output[outBlocked..], g => Assert.Equal(Guard, g));
        Assert.All(output[..outBlocked], v => Assert.True(float.IsFinite(v)));
        CheckGroupConv(output, block, batch, inputs, outputs, h, w, window, input, weights, bias, shortcut, activation);
    }

    /// <summary>
    /// A blocked group-1 convolution's output against the definition, element by element:
    /// clamp(bias + Σ weight · input over the window's in-bounds taps (+ shortcut)), within Higham's
    /// bound for a float sum of those terms; or, for a kernel that mixes neighbouring outputs' inputs
    /// (Winograd's tiles), <paramref name="slack"/> times the bound of the plane's largest sum.
    /// </summary>
    internal static void CheckGroupConv(float[] output, int block, int batch, int inputs, int outputs, int h, int w, ConvWindow window,
        float[] input, float[] weights, float[] bias, float[]? shortcut, Activation activation, double slack = 0)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w), taps = window.KernelH * window.KernelW;
        var got = new float[batch * outputs * oh * ow];
        BlockedReorder.ToNchw(output, got, batch, outputs, oh * ow, block);
        for (int n = 0; n < batch; n++)
        {
            for (int o = 0; o < outputs; o++)
            {
                var plane = new List<(List<double> Terms, int At, string What)>();
                for (int oy = 0; oy < oh; oy++)
                {
                    for (int ox = 0; ox < ow; ox++)
                    {
                        var terms = new List<double> { bias[o] };
                        for (int c = 0; c < inputs; c++)
                        {
                            for (int ky = 0; ky < window.KernelH; ky++)
                            {
                                for (int kx = 0; kx < window.KernelW; kx++)
                                {
                                    int iy = oy * window.StrideH - window.PadH + ky * window.DilationH;
                                    int ix = ox * window.StrideW - window.PadW + kx * window.DilationW;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < w)
                                        terms.Add((double)weights[(o * inputs + c) * taps + ky * window.KernelW + kx] * input[((n * inputs + c) * h + iy) * w + ix]);
                                }
                            }
                        }
                        int at = ((n * outputs + o) * oh + oy) * ow + ox;
                        if (shortcut != null)
                            terms.Add(shortcut[at]);
                        plane.Add((terms, at, $"block {block} {inputs}->{outputs} {h}x{w} {window} {activation} [{n},{o},{oy},{ox}]"));
                    }
                }
                double largest = plane.Max(p => Reference.Gamma(p.Terms.Count + 1) * p.Terms.Sum(Math.Abs));
                foreach (var (terms, at, what) in plane)
                    Check(terms, activation, got[at], what, slack * largest);
            }
        }
    }

    /// <summary>clamp(sum of terms) within Higham's bound for any order of the float sum, or within <paramref name="atLeast"/>.</summary>
    static void Check(List<double> terms, Activation activation, float actual, string what, double atLeast = 0)
    {
        double sum = terms.Sum(), magnitude = terms.Sum(Math.Abs);
        double expected = Math.Min(Math.Max(sum, activation.Min), activation.Max);
        double bound = Math.Max(Reference.Gamma(terms.Count + 1) * magnitude, atLeast);
        Assert.True(Math.Abs(actual - expected) <= bound, $"{what}: {actual}, expected {expected} +- {bound:G3}");
    }

    internal static int Padded(int channels, int block) => (channels + block - 1) / block * block;

    internal static float[] Blocked(float[] nchw, int batch, int channels, int plane, int block)
    {
        var blocked = new float[batch * Padded(channels, block) * plane];
        BlockedReorder.ToBlocked(nchw, blocked, batch, channels, plane, block);
        return blocked;
    }
}
