using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

/// <summary>
/// The expansion and depthwise convolution band by band give the same bits as the two blocked
/// kernels one after the other (each checked against the definition in <see cref="BlockedKernelTests"/>):
/// bands of one to three rows and as many as fit, so the buffer slides, starts afresh and holds whole
/// planes; strides 1 and 2, padding, dilation, padding lanes, two images and two threads.
/// </summary>
public class BlockedExpandDepthwiseTests
{
    public static TheoryData<int, int> BlocksAndBands()
    {
        var data = new TheoryData<int, int>();
        foreach (int block in new[] { 8, 16 })
            foreach (int band in new[] { 1, 2, 3, 0 })
                data.Add(block, band);
        return data;
    }

    static readonly ConvWindow[] Windows =
    [
        ConvWindow.Square(3, 1, 1),
        ConvWindow.Square(3, 2, 1),
        ConvWindow.Square(3, 2, 0),
        new(3, 3, 1, 1, 2, 2, 2, 2),   // dilation 2
        new(5, 3, 3, 2, 2, 1),         // uneven kernel and strides
        ConvWindow.Square(1, 2, 0),    // rows no window reads: each band starts afresh
    ];

    [Theory]
    [MemberData(nameof(BlocksAndBands))]
    public void Bands_give_the_bits_of_the_two_kernels_in_turn(int block, int band)
    {
        int variant = 0;
        foreach (var window in Windows)
        {
            foreach (var (h, w) in new[] { (9, 13), (16, 16), (5, 40) })
            {
                variant++;
                Run(block, band, batch: 1 + variant % 2, inputs: variant % 3 == 0 ? 37 : 24, channels: variant % 2 == 0 ? 100 : 96, h, w, window,
                    threads: variant % 3 == 1 ? 2 : 1);
            }
        }
    }

    static void Run(int block, int band, int batch, int inputs, int channels, int h, int w, ConvWindow window, int threads)
    {
        int oh = window.OutputHeight(h), ow = window.OutputWidth(w);
        int inBlocked = batch * BlockedKernelTests.Padded(inputs, block) * h * w;
        int midBlocked = batch * BlockedKernelTests.Padded(channels, block) * h * w;
        int outBlocked = batch * BlockedKernelTests.Padded(channels, block) * oh * ow;
        var input = Reference.Random(inBlocked, 31);
        var expandWeights = BlockedPointwise.PackWeights(Reference.Random(channels * inputs, 32), channels, inputs, block);
        var expandBias = BlockedDepthwise.PackChannels(Reference.Random(channels, 33), channels, block);
        int taps = window.KernelH * window.KernelW;
        var weights = BlockedDepthwise.PackWeights(Reference.Random(channels * taps, 34), channels, taps, block);
        var bias = BlockedDepthwise.PackChannels(Reference.Random(channels, 35), channels, block);
        using var pool = threads > 1 ? new WorkerPool(threads, minTaskWork: 1) : null;

        var mid = new float[midBlocked];
        var expected = new float[outBlocked];
        BlockedPointwise.Forward(block, input, mid, default, batch, inputs, channels, h * w, expandWeights, expandBias, Activation.Clamp(0, 6), null);
        BlockedDepthwise.Forward(block, mid, expected, default, batch, channels, h, w, weights, bias, window, Activation.Relu, null);

        var output = Enumerable.Repeat(BlockedKernelTests.Guard, outBlocked + 64).ToArray();
        BlockedExpandDepthwise.Forward(block, input, output.AsSpan(0, outBlocked), batch, inputs, channels, h, w, expandWeights, expandBias,
            Activation.Clamp(0, 6), weights, bias, window, Activation.Relu, pool, band);
        Assert.All(output[outBlocked..], g => Assert.Equal(BlockedKernelTests.Guard, g));
        Assert.Equal(expected, output[..outBlocked]);
    }
}
