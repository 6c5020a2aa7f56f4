using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class DirectConvTests
{
    static readonly (int H, int W)[] Spatial = [(1, 1), (7, 9), (13, 13), (9, 30)];

    public static TheoryData<TestedPath, int, int> PathsChannelsOutputs()
    {
        var data = new TheoryData<TestedPath, int, int>();
        foreach (var path in Enum.GetValues<SimdPath>())
            foreach (int channels in new[] { 1, 3, 4 })
                foreach (int outputs in new[] { 1, 7, 17, 31, 32 })
                    data.Add((TestedPath)path, channels, outputs);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsChannelsOutputs))]
    public void Three_by_three_matches_the_definition(TestedPath tested, int channels, int outputs)
    {
        var path = (SimdPath)tested;
        int variant = 0;
        foreach (var (h, w) in Spatial)
        {
            foreach (int stride in new[] { 1, 2 })
            {
                foreach (int pad in new[] { 1, 0 })
                {
                    var window = ConvWindow.Square(3, stride, pad);
                    if (window.OutputHeight(h) < 1 || window.OutputWidth(w) < 1)
                        continue;
                    var activation = (variant++ % 3) switch { 0 => Activation.None, 1 => Activation.Relu, _ => Activation.Clamp(-0.5f, 0.5f) };
                    bool withBias = variant % 2 == 0;
                    int batch = variant % 4 < 2 ? 1 : 3;
                    Run(path, batch, channels, outputs, h, w, window, withBias, activation, pool: null);
                }
            }
        }
    }

    [Theory]
    [InlineData(TestedPath.Scalar)]
    [InlineData(TestedPath.Vector256)]
    [InlineData(TestedPath.Vector512)]
    public void A_first_layer_the_size_of_MobileNets_matches_the_definition(TestedPath tested)
    {
        var path = (SimdPath)tested;
        // 225 x 223: odd sizes, so the last output column and row see the padding on one side only.
        using var pool = new WorkerPool(2);
        Run(path, 1, 3, 32, 225, 223, ConvWindow.Square(3, 2, 1), true, Activation.Clamp(0, 6), pool);
        Run(path, 1, 3, 7, 61, 67, ConvWindow.Square(3, 1, 1), false, Activation.Relu, pool);
    }

    [Theory]
    [InlineData(TestedPath.Vector256)]
    [InlineData(TestedPath.Vector512)]
    public void Rows_around_the_vector_widths_match_the_definition(TestedPath tested)
    {
        var path = (SimdPath)tested;
        // Output widths below, at and just past one, two and three vectors of 8 and 16 lanes: a ragged
        // end is a vector overlapping the one before (or, narrower than a vector, a copied tile).
        foreach (int ow in new[] { 5, 8, 9, 15, 16, 17, 24, 31, 33, 47, 48, 49, 57, 113 })
        {
            Run(path, 1, 3, 6, 5, ow, ConvWindow.Square(3, 1, 1), true, Activation.Relu, null);
            Run(path, 1, 3, 5, 9, 2 * ow + 5, ConvWindow.Square(7, 2, 3), true, Activation.None, null);
        }
    }

    [Theory]
    [InlineData(TestedPath.Scalar)]
    [InlineData(TestedPath.Vector256)]
    [InlineData(TestedPath.Vector512)]
    public void Other_windows_match_the_definition(TestedPath tested)
    {
        var path = (SimdPath)tested;
        // A ResNet-like 7x7 stride 2 pad 3, uneven strides and pads, and a 5x5 of stride 1 and 3 rows.
        Run(path, 1, 3, 9, 31, 29, ConvWindow.Square(7, 2, 3), true, Activation.Relu, null);
        Run(path, 2, 2, 5, 17, 19, new ConvWindow(3, 5, 3, 2, 0, 2), true, Activation.None, null);
        Run(path, 1, 4, 6, 12, 11, new ConvWindow(5, 5, 3, 1, 2, 1), false, Activation.Clamp(-1, 1), null);
        Run(path, 1, 1, 3, 10, 10, new ConvWindow(1, 3, 1, 2, 0, 1), true, Activation.None, null);
    }

    static void Run(SimdPath path, int batch, int channels, int outputs, int h, int w, ConvWindow window, bool withBias,
        Activation activation, WorkerPool? pool)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w);
        var input = Reference.Random(batch * channels * h * w, 31);
        var weights = Reference.Random(outputs * channels * window.KernelH * window.KernelW, 32);
        var bias = withBias ? Reference.Random(outputs, 33) : null;
        // Guard floats after the output: kernels store whole vectors and must not spill past the end.
        int size = batch * outputs * oh * ow;
        var guarded = Enumerable.Repeat(-12345f, size + 64).ToArray();
        new DirectConv(path, weights, bias, outputs, channels, window).Forward(input, guarded.AsSpan(0, size), batch, h, w, activation, pool);
        Assert.All(guarded[size..], g => Assert.Equal(-12345f, g));
        var output = guarded[..size];
        string? error = Reference.CheckConv(input, batch, channels, h, w, weights, outputs, bias, window,
            activation.Min, activation.Max, output);
        Assert.True(error == null, $"{path} {channels}->{outputs} {h}x{w} {window} {activation}: {error}");
    }

    [Theory]
    [InlineData(TestedPath.Scalar)]
    [InlineData(TestedPath.Vector256)]
    [InlineData(TestedPath.Vector512)]
    public void Agrees_with_the_reference_kernel(TestedPath tested)
    {
        var path = (SimdPath)tested;
        // The reference Convolution in float, ReLU applied after; both err by at most gamma(28) * sum |term|
        // from the exact value, so they differ by at most twice that.
        var p = new ConvolutionParams(NumOutput: 17, KernelH: 3, KernelW: 3, StrideH: 2, StrideW: 2, PadH: 1, PadW: 1);
        var input = Tensor.From([3, 3, 15, 21], Reference.Random(3 * 3 * 15 * 21, 34));
        var weights = Reference.Random(17 * 27, 35);
        var bias = Reference.Random(17, 36);
        var expected = new Tensor(Convolution.OutputShape(input.Shape, p));
        Convolution.Forward(input, weights, bias, p, expected);
        var actual = new float[expected.Count];
        new DirectConv(path, weights, bias, 17, 3, ConvWindow.Square(3, 2, 1)).Forward(input.Span, actual, 3, 15, 21, Activation.Relu);
        // Every term is a product of two values in [-1, 1], so sum |term| <= 27 + 1.
        double bound = 2 * Reference.Gamma(28) * 28;
        var want = expected.ToArray();
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(actual[i] - Math.Max(want[i], 0f)) <= bound, $"out[{i}] = {actual[i]}, reference {Math.Max(want[i], 0f)}");
    }

    [Theory]
    [InlineData(TestedPath.Scalar, 2)]
    [InlineData(TestedPath.Vector256, 1)]
    [InlineData(TestedPath.Vector256, 2)]
    [InlineData(TestedPath.Vector512, 2)]
    public void Threads_give_bitwise_the_single_threaded_result(TestedPath tested, int stride)
    {
        var path = (SimdPath)tested;
        int batch = 3, channels = 3, outputs = 31, h = 41, w = 37;
        var input = Reference.Random(batch * channels * h * w, 37);
        var weights = Reference.Random(outputs * channels * 9, 38);
        var bias = Reference.Random(outputs, 39);
        var window = ConvWindow.Square(3, stride, 1);
        var conv = new DirectConv(path, weights, bias, outputs, channels, window);
        int outSize = batch * outputs * window.OutputHeight(h) * window.OutputWidth(w);
        var single = new float[outSize];
        conv.Forward(input, single, batch, h, w, Activation.Relu);
        using var pool = new WorkerPool(2);
        var multi = new float[outSize];
        conv.Forward(input, multi, batch, h, w, Activation.Relu, pool);
        Assert.Equal(single, multi);
    }

    [Fact]
    public void A_box_filter_over_ones_counts_the_taps_inside_the_image()
    {
        // Two all-ones 4x4 channels and an all-ones 3x3 kernel per channel, pad 1: corners see 2 x 4
        // pixels, edges 2 x 6, the middle 2 x 9; a second output weighs channel 1 only, by -1.
        var input = Enumerable.Repeat(1f, 32).ToArray();
        var weights = Enumerable.Repeat(1f, 18).Concat(new float[9]).Concat(Enumerable.Repeat(-1f, 9)).ToArray();
        var output = new float[32];
        new DirectConv(weights, [], 2, 2, ConvWindow.Square(3, 1, 1)).Forward(input, output, 1, 4, 4);
        Assert.Equal([8f, 12f, 12f, 8f, 12f, 18f, 18f, 12f, 12f, 18f, 18f, 12f, 8f, 12f, 12f, 8f,
            -4f, -6f, -6f, -4f, -6f, -9f, -9f, -6f, -6f, -9f, -9f, -6f, -4f, -6f, -6f, -4f], output);
        // Stride 2 keeps outputs (0,0), (0,2), (2,0), (2,2) of the same sums.
        var strided = new float[8];
        new DirectConv(weights, [], 2, 2, ConvWindow.Square(3, 2, 1)).Forward(input, strided, 1, 4, 4);
        Assert.Equal([8f, 12f, 12f, 18f, -4f, -6f, -6f, -9f], strided);
    }

    [Fact]
    public void What_it_does_not_handle_is_refused()
    {
        Assert.False(DirectConv.Handles(5, ConvWindow.Square(3, 1, 1)));
        Assert.False(DirectConv.Handles(3, ConvWindow.Square(3, 3, 1)));
        Assert.False(DirectConv.Handles(3, new ConvWindow(3, 3, 1, 1, 2, 2, 2, 2)));
        Assert.True(DirectConv.Handles(3, ConvWindow.Square(3, 2, 1)));
        Assert.Throws<ArgumentException>(() => new DirectConv(new float[9 * 5], [], 1, 5, ConvWindow.Square(3, 1, 1)));
        Assert.Throws<ArgumentException>(() => new DirectConv(new float[8], [], 1, 1, ConvWindow.Square(3, 1, 1)));
        var conv = new DirectConv(new float[9], [], 1, 1, ConvWindow.Square(3, 1, 1));
        Assert.Throws<ArgumentException>(() => conv.Forward(new float[15], new float[16], 1, 4, 4));
        Assert.Throws<ArgumentException>(() => conv.Forward(new float[16], new float[15], 1, 4, 4));
        // A 3x3 window without padding does not fit a 1x1 input.
        var unpadded = new DirectConv(new float[9], [], 1, 1, ConvWindow.Square(3, 1, 0));
        Assert.Throws<ArgumentException>(() => unpadded.Forward(new float[1], new float[1], 1, 1, 1));
    }
}
