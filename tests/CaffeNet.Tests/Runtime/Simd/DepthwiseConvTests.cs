using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class DepthwiseConvTests
{
    // (9, 9) at stride 1 puts 3 blocks of 8 channels in a task, so 31 channels make a full and a partial task.
    static readonly (int H, int W)[] Spatial = [(1, 1), (7, 7), (9, 9), (5, 9), (13, 11), (2, 31), (33, 20)];

    public static TheoryData<TestedPath, int, int> PathsChannelsStrides()
    {
        var data = new TheoryData<TestedPath, int, int>();
        foreach (var path in Enum.GetValues<SimdPath>())
            foreach (int channels in new[] { 1, 7, 17, 31 })
                foreach (int stride in new[] { 1, 2 })
                    data.Add((TestedPath)path, channels, stride);
        return data;
    }

    [Theory]
    [MemberData(nameof(PathsChannelsStrides))]
    public void Three_by_three_matches_the_definition(TestedPath tested, int channels, int stride)
    {
        var path = (SimdPath)tested;
        int variant = 0;
        foreach (var (h, w) in Spatial)
        {
            foreach (int pad in new[] { 1, 0 })
            {
                var window = ConvWindow.Square(3, stride, pad);
                if (window.OutputHeight(h) < 1 || window.OutputWidth(w) < 1)
                    continue;
                var activation = (variant++ % 3) switch { 0 => Activation.None, 1 => Activation.Relu, _ => Activation.Clamp(-0.5f, 0.5f) };
                bool withBias = variant % 2 == 0;
                Run(path, batch: 2, channels, h, w, window, withBias, activation);
            }
        }
    }

    [Theory]
    [InlineData(TestedPath.Scalar)]
    [InlineData(TestedPath.Vector256)]
    [InlineData(TestedPath.Vector512)]
    public void Other_windows_fall_back_to_the_definition(TestedPath tested)
    {
        var path = (SimdPath)tested;
        Run(path, 1, 7, 11, 13, new ConvWindow(5, 3, 3, 2, 2, 1, 2, 1), true, Activation.Relu);
        Run(path, 2, 3, 9, 9, ConvWindow.Square(3, 3, 1), false, Activation.None);
    }

    static void Run(SimdPath path, int batch, int channels, int h, int w, ConvWindow window, bool withBias, Activation activation)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w);
        var input = Reference.Random(batch * channels * h * w, 21);
        var weights = Reference.Random(channels * window.KernelH * window.KernelW, 22);
        var bias = withBias ? Reference.Random(channels, 23) : null;
        // Guard floats after the output: kernels store whole vectors and must not spill past the end.
        int size = batch * channels * oh * ow;
        var guarded = Enumerable.Repeat(-12345f, size + 64).ToArray();
        DepthwiseConv.Forward(path, input, guarded.AsSpan(0, size), batch, channels, h, w, weights, bias, window, activation);
        Assert.All(guarded[size..], g => Assert.Equal(-12345f, g));
        var output = guarded[..size];
        string? error = Reference.CheckDepthwise(input, batch, channels, h, w, weights, bias, window,
            activation.Min, activation.Max, output);
        Assert.True(error == null, $"{path} C={channels} {h}x{w} {window} {activation}: {error}");
    }

    [Fact]
    public void A_box_filter_over_ones_counts_the_taps_inside_the_image()
    {
        // All-ones 4x4 image and 3x3 kernel, pad 1: corners see 4 pixels, edges 6, the middle 9.
        var input = Enumerable.Repeat(1f, 16).ToArray();
        var weights = Enumerable.Repeat(1f, 9).ToArray();
        var output = new float[16];
        DepthwiseConv.Forward(input, output, 1, 1, 4, 4, weights, [], ConvWindow.Square(3, 1, 1));
        Assert.Equal([4f, 6f, 6f, 4f, 6f, 9f, 9f, 6f, 6f, 9f, 9f, 6f, 4f, 6f, 6f, 4f], output);
        // Stride 2 keeps outputs (0,0), (0,2), (2,0), (2,2) of the same sums.
        var strided = new float[4];
        DepthwiseConv.Forward(input, strided, 1, 1, 4, 4, weights, [], ConvWindow.Square(3, 2, 1));
        Assert.Equal([4f, 6f, 6f, 9f], strided);
    }

    [Theory]
    [InlineData(TestedPath.Vector256, 1)]
    [InlineData(TestedPath.Vector256, 2)]
    [InlineData(TestedPath.Vector512, 2)]
    public void Threads_give_bitwise_the_single_threaded_result(TestedPath tested, int stride)
    {
        var path = (SimdPath)tested;
        int batch = 2, channels = 37, h = 15, w = 19;
        var input = Reference.Random(batch * channels * h * w, 24);
        var weights = Reference.Random(channels * 9, 25);
        var bias = Reference.Random(channels, 26);
        var window = ConvWindow.Square(3, stride, 1);
        int outSize = batch * channels * window.OutputHeight(h) * window.OutputWidth(w);
        var single = new float[outSize];
        DepthwiseConv.Forward(path, input, single, batch, channels, h, w, weights, bias, window, Activation.Relu);
        using var pool = new WorkerPool(2);
        var multi = new float[outSize];
        DepthwiseConv.Forward(path, input, multi, batch, channels, h, w, weights, bias, window, Activation.Relu, pool);
        Assert.Equal(single, multi);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var window = ConvWindow.Square(3, 1, 1);
        Assert.Throws<ArgumentException>(() => DepthwiseConv.Forward(new float[15], new float[16], 1, 1, 4, 4, new float[9], [], window));
        Assert.Throws<ArgumentException>(() => DepthwiseConv.Forward(new float[16], new float[16], 1, 1, 4, 4, new float[8], [], window));
        Assert.Throws<ArgumentException>(() => DepthwiseConv.Forward(new float[16], new float[16], 1, 1, 4, 4, new float[9], [], ConvWindow.Square(7, 1, 1)));
    }
}
