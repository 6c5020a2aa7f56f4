using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class Im2ColConvTests
{
    public static TheoryData<int, int, int> ChannelsOutputsStrides()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int channels in new[] { 1, 5, 16 })
            foreach (int outputs in new[] { 1, 7, 17, 32 })
                foreach (int stride in new[] { 1, 2 })
                    data.Add(channels, outputs, stride);
        return data;
    }

    [Theory]
    [MemberData(nameof(ChannelsOutputsStrides))]
    public void Three_by_three_matches_the_definition(int channels, int outputs, int stride)
    {
        int variant = 0;
        foreach (var (h, w) in new[] { (1, 1), (7, 9), (13, 13), (40, 37) })
        {
            foreach (int pad in new[] { 1, 0 })
            {
                var window = ConvWindow.Square(3, stride, pad);
                if (window.OutputHeight(h) < 1 || window.OutputWidth(w) < 1)
                    continue;
                var activation = (variant++ % 3) switch { 0 => Activation.None, 1 => Activation.Relu, _ => Activation.Clamp(-0.5f, 0.5f) };
                Run(variant % 4 < 2 ? 1 : 3, channels, outputs, h, w, window, withBias: variant % 2 == 0, activation, null);
            }
        }
    }

    [Fact]
    public void Other_windows_and_many_taps_match_the_definition()
    {
        // 300 channels x 9 taps is more than one K block of the GEMM; 64 x 64 output columns make several strips.
        using var pool = new WorkerPool(2);
        Run(1, 300, 9, 9, 11, ConvWindow.Square(3, 1, 1), true, Activation.Relu, pool);
        Run(2, 3, 5, 70, 66, new ConvWindow(5, 3, 2, 1, 2, 0, 2, 1), false, Activation.None, pool);
        Run(1, 2, 4, 17, 19, new ConvWindow(7, 7, 3, 3, 3, 3), true, Activation.Clamp(0, 6), null);
    }

    static void Run(int batch, int channels, int outputs, int h, int w, ConvWindow window, bool withBias, Activation activation,
        WorkerPool? pool)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w), k = channels * window.KernelH * window.KernelW;
        var input = Reference.Random(batch * channels * h * w, 41);
        var weights = Reference.Random(outputs * k, 42);
        var bias = withBias ? Reference.Random(outputs, 43) : null;
        int size = batch * outputs * oh * ow;
        var guarded = Enumerable.Repeat(-12345f, size + 64).ToArray();
        Im2ColConv.Forward(PackedMatrix.Pack(weights, outputs, k, k), input, guarded.AsSpan(0, size), batch, channels, h, w,
            Params(outputs, window), oh, ow, bias, activation: activation, pool: pool);
        Assert.All(guarded[size..], g => Assert.Equal(-12345f, g));
        string? error = Reference.CheckConv(input, batch, channels, h, w, weights, outputs, bias, window,
            activation.Min, activation.Max, guarded[..size]);
        Assert.True(error == null, $"{channels}->{outputs} {h}x{w} {window} {activation}: {error}");
    }

    static ConvolutionParams Params(int outputs, ConvWindow w) =>
        new(outputs, w.KernelH, w.KernelW, w.StrideH, w.StrideW, w.PadH, w.PadW, w.DilationH, w.DilationW);

    [Fact]
    public void Threads_give_bitwise_the_single_threaded_result()
    {
        int batch = 2, channels = 8, outputs = 24, h = 57, w = 61;
        var window = ConvWindow.Square(3, 1, 1);
        var input = Reference.Random(batch * channels * h * w, 44);
        var weights = PackedMatrix.Pack(Reference.Random(outputs * channels * 9, 45), outputs, channels * 9, channels * 9);
        var bias = Reference.Random(outputs, 46);
        int size = batch * outputs * h * w;
        var single = new float[size];
        Im2ColConv.Forward(weights, input, single, batch, channels, h, w, Params(outputs, window), h, w, bias, activation: Activation.Relu);
        using var pool = new WorkerPool(2);
        var multi = new float[size];
        Im2ColConv.Forward(weights, input, multi, batch, channels, h, w, Params(outputs, window), h, w, bias, activation: Activation.Relu, pool: pool);
        Assert.Equal(single, multi);
    }

    [Fact]
    public void A_residual_is_added_before_the_clamp()
    {
        // The same convolution without residual and clamp, then + residual and ReLU by hand: the
        // kernel's epilogue does the same two float additions in the same order.
        int batch = 2, channels = 3, outputs = 5, h = 30, w = 27;
        var window = ConvWindow.Square(3, 1, 1);
        var input = Reference.Random(batch * channels * h * w, 48);
        var weights = PackedMatrix.Pack(Reference.Random(outputs * 27, 49), outputs, 27, 27);
        var bias = Reference.Random(outputs, 50);
        var residual = Reference.Random(batch * outputs * h * w, 51);
        var plain = new float[residual.Length];
        Im2ColConv.Forward(weights, input, plain, batch, channels, h, w, Params(outputs, window), h, w, bias);
        var fused = new float[residual.Length];
        using var pool = new WorkerPool(2);
        Im2ColConv.Forward(weights, input, fused, batch, channels, h, w, Params(outputs, window), h, w, bias, residual,
            Activation.Relu, pool);
        Assert.Equal(plain.Select((v, i) => Math.Max(v + residual[i], 0f)).ToArray(), fused);
    }

    [Fact]
    public void A_strip_of_columns_is_those_rows_of_the_whole()
    {
        // Output rows 3 and 4 of a 2-channel 9x8 image's columns under 3x3 stride 2 pad 1 and dilation 2 across (output 5 x 3).
        var p = new ConvolutionParams(1, 3, 3, 2, 2, 1, 1, 1, 2);
        int oh = 5, ow = 3, k = 18;
        var image = Reference.Random(2 * 9 * 8, 47);
        var whole = new float[k * oh * ow];
        Im2Col.Forward(image, 2, 9, 8, p, oh, ow, whole);
        var strip = new float[k * 2 * ow];
        Im2Col.Forward(image, 2, 9, 8, p, ow, 3, 2, strip);
        for (int row = 0; row < k; row++)
            Assert.Equal(whole.AsSpan(row * oh * ow + 3 * ow, 2 * ow).ToArray(), strip.AsSpan(row * 2 * ow, 2 * ow).ToArray());
    }

    [Fact]
    public void Columns_of_a_small_image_are_worked_out_by_hand()
    {
        // 1 channel 3x3 image 1..9, 2x2 kernel, stride 2, pad 1: output 2x2; tap (0,0) sees the
        // top-left of each window: padding except at output (1,1), which sees pixel (1,1) = 5.
        var image = new float[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
        var p = new ConvolutionParams(1, 2, 2, 2, 2, 1, 1);
        var columns = new float[4 * 4];
        Im2Col.Forward(image, 1, 3, 3, p, 2, 2, columns);
        Assert.Equal([0, 0, 0, 5, 0, 0, 4, 6, 0, 2, 0, 8, 1, 3, 7, 9], columns);
    }
}
