using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

/// <summary>
/// How kernels cut a layer into tasks, and that where the cuts fall never changes a result: every
/// output element is computed by the same instructions in the same order whichever task holds it
/// (the cuts fall between whole rows, six-pixel tiles or channel blocks), so 1, 2 and 3 threads agree bit for bit.
/// </summary>
public class WorkSplitTests
{
    [Fact]
    public void A_layer_runs_serially_without_a_pool_or_under_two_tasks_of_work()
    {
        using var two = new WorkerPool(2, minTaskWork: 100);
        Assert.Equal(1, WorkSplit.Tasks(null, 1000, 1e6));
        Assert.Equal(1, WorkSplit.Tasks(two, 1, 1e6));
        Assert.Equal(1, WorkSplit.Tasks(two, 10, 19.9)); // 199 of work: not two tasks of 100
        Assert.Equal(2, WorkSplit.Tasks(two, 10, 20));
    }

    [Fact]
    public void Tasks_are_at_most_four_per_thread_and_a_whole_multiple_of_the_threads()
    {
        using var two = new WorkerPool(2, minTaskWork: 100);
        using var three = new WorkerPool(3, minTaskWork: 100);
        Assert.Equal(8, WorkSplit.Tasks(two, 1000, 1000));
        Assert.Equal(12, WorkSplit.Tasks(three, 1000, 1000));
        Assert.Equal(6, WorkSplit.Tasks(two, 1000, 0.7));   // 700 of work: 7 tasks, rounded down to 6
        Assert.Equal(2, WorkSplit.Tasks(three, 2, 1000));   // fewer units than threads: one task each
        Assert.Equal(2, WorkSplit.Tasks(two, 3, 1000));     // 3 units: 3 tasks, rounded down to 2
    }

    [Fact]
    public void Task_ranges_cover_the_units_in_order_without_gaps()
    {
        Assert.Equal([0L, 3, 6, 10], Enumerable.Range(0, 4).Select(t => WorkSplit.First(t, 3, 10)));
        Assert.Equal(10_000_000_000L, WorkSplit.First(2, 2, 10_000_000_000L));
    }

    static WorkerPool?[] Pools() => [null, new WorkerPool(2, minTaskWork: 1), new WorkerPool(3, minTaskWork: 1)];

    [Theory]
    [InlineData(8, 49)]
    [InlineData(16, 49)]
    [InlineData(8, 143)]
    [InlineData(16, 143)]
    public void Pointwise_gives_the_same_bits_on_1_2_and_3_threads(int block, int plane)
    {
        // 3 images of 7x7 = 49 pixels (9 tiles of 6, the last of 1 pixel, or 7 of 7 with block 16), 40 -> 70 channels with the shortcut:
        // the weights outweigh an image, so the tasks are runs of output groups. At 13x11 = 143 pixels
        // (24 tiles, the last of 5) they are runs of tiles, 72 cut into 8 and 12, some across a border.
        int batch = 3, inputs = 40, outputs = 70;
        int inBlocks = (inputs + block - 1) / block, outBlocks = (outputs + block - 1) / block;
        var input = Reference.Random(batch * inBlocks * plane * block, 1);
        var residual = Reference.Random(batch * outBlocks * plane * block, 2);
        var weights = BlockedPointwise.PackWeights(Reference.Random(outputs * inputs, 3), outputs, inputs, block);
        var bias = BlockedDepthwise.PackChannels(Reference.Random(outputs, 4), outputs, block);
        AllAgree(batch * outBlocks * plane * block, (output, pool) =>
            BlockedPointwise.Forward(block, input, output, residual, batch, inputs, outputs, plane, weights, bias,
                Activation.Clamp(-1, 1), pool));
    }

    /// <summary>
    /// 3 images of 37 channels, stride 2. At 11x10 the 6x5 output pixels are fewer than the channel
    /// slots, so the layer splits by channel blocks (9 or 15 units); at 23x20 it splits by rows: 12
    /// each, 36 in all, cut into 8 and 12 tasks (some across a border).
    /// </summary>
    [Theory]
    [InlineData(8, 11, 10)]
    [InlineData(16, 11, 10)]
    [InlineData(8, 23, 20)]
    [InlineData(16, 23, 20)]
    public void Depthwise_gives_the_same_bits_on_1_2_and_3_threads(int block, int h, int w)
    {
        int batch = 3, channels = 37;
        var window = ConvWindow.Square(3, 2, 1);
        int blocks = (channels + block - 1) / block, oh = window.OutputHeight(h), ow = window.OutputWidth(w);
        var input = Reference.Random(batch * blocks * h * w * block, 5);
        var residual = Reference.Random(batch * blocks * oh * ow * block, 6);
        var weights = BlockedDepthwise.PackWeights(Reference.Random(channels * 9, 7), channels, 9, block);
        var bias = BlockedDepthwise.PackChannels(Reference.Random(channels, 8), channels, block);
        AllAgree(batch * blocks * oh * ow * block, (output, pool) =>
            BlockedDepthwise.Forward(block, input, output, residual, batch, channels, h, w, weights, bias, window, Activation.Relu, pool));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void First_convolution_gives_the_same_bits_on_1_2_and_3_threads(int block)
    {
        // 3 images of 3 x 13x9, 3x3 stride 1 pad 1, 3 -> 40 channels: 39 rows cut into 8 and 12 tasks.
        int batch = 3, channels = 3, h = 13, w = 9, outputs = 40;
        var window = ConvWindow.Square(3, 1, 1);
        int outBlocks = (outputs + block - 1) / block;
        var input = Reference.Random(batch * channels * h * w, 9);
        var weights = BlockedDirectConv.PackWeights(Reference.Random(outputs * channels * 9, 10), outputs, channels, 9, block);
        var bias = BlockedDepthwise.PackChannels(Reference.Random(outputs, 11), outputs, block);
        AllAgree(batch * outBlocks * h * w * block, (output, pool) =>
            BlockedDirectConv.Forward(block, input, output, default, batch, channels, h, w, outputs, weights, bias, window,
                Activation.None, pool));
    }

    static void AllAgree(int length, Action<float[], WorkerPool?> forward)
    {
        var results = new List<float[]>();
        foreach (var pool in Pools())
        {
            using (pool)
            {
                var output = new float[length];
                forward(output, pool);
                results.Add(output);
            }
        }
        Assert.All(results[0], v => Assert.True(float.IsFinite(v)));
        for (int i = 1; i < results.Count; i++)
            Assert.True(results[0].AsSpan().SequenceEqual(results[i]), $"{i + 1} threads differ from 1");
    }
}
