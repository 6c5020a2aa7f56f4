using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

/// <summary>
/// Blocked MAX and AVE pooling on 256-bit (block 8) and 512-bit (block 16) lanes against the
/// reference Pooling kernel on the same data in NCHW: channel counts that leave padding lanes,
/// odd sizes whose last ceil-mode window hangs over the edge, padding (AVE's divisor counts it),
/// uneven kernels and strides, floor mode, a kernel that is the whole image, and two threads.
/// </summary>
public class BlockedPoolTests
{
    const float Guard = -12345f;

    public static TheoryData<int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, bool>();
        foreach (int block in new[] { 8, 16 })
            foreach (int channels in new[] { 1, 7, 16, 17, 33 })
                foreach (bool max in new[] { true, false })
                    data.Add(block, channels, max);
        return data;
    }

    static readonly PoolingParams[] Windows =
    [
        new(PoolingMethod.Max, 3, 3, 2, 2),                          // SqueezeNet's pools: ceil mode overhangs odd sizes
        new(PoolingMethod.Max, 3, 3, 2, 2, 1, 1),                    // ResNet's pool1
        new(PoolingMethod.Max, 2, 2, 2, 2),
        new(PoolingMethod.Max, 3, 3, 1, 1, 1, 1),
        new(PoolingMethod.Max, 5, 3, 2, 1, 2, 1),                    // uneven kernel, strides and pads
        new(PoolingMethod.Max, 3, 3, 2, 2, 1, 1, CeilMode: false),
        new(PoolingMethod.Max, 0, 0, Global: true),
    ];

    static readonly (int H, int W)[] Planes = [(7, 7), (8, 8), (9, 13), (2, 31), (14, 15)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Pooling_matches_the_reference_kernel(int block, int channels, bool max)
    {
        int variant = 0;
        foreach (var shape in Windows)
        {
            var window = shape with { Method = max ? PoolingMethod.Max : PoolingMethod.Ave };
            foreach (var (h, w) in Planes)
            {
                if (!window.Global && (h + 2 * window.PadH < window.KernelH || w + 2 * window.PadW < window.KernelW))
                    continue;
                variant++;
                Run(block, batch: 1 + variant % 2, channels, h, w, window, threads: variant % 3 == 0 ? 2 : 1);
            }
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(16)]
    public void A_large_input_splits_its_rows_over_threads(int block) =>
        // 55x55 of 64 channels is SqueezeNet's pool1, big enough to go parallel.
        Run(block, batch: 1, channels: 70, 55, 55, new PoolingParams(PoolingMethod.Max, 3, 3, 2, 2), threads: 2);

    [Fact]
    public void Max_of_a_window_takes_each_lanes_largest_and_ave_divides_by_the_padded_window()
    {
        // One channel of 2x2 (1, 5 / 3, -2), block 8; kernel 2 stride 1 pad 1 gives 3x3 windows.
        float[] nchw = [1, 5, 3, -2];
        var blocked = new float[4 * 8];
        BlockedReorder.ToBlocked(nchw, blocked, 1, 1, 4, 8);
        var output = new float[9 * 8];
        BlockedPool.Forward(blocked, output, 1, 1, 2, 2, 3, 3, new PoolingParams(PoolingMethod.Max, 2, 2, 1, 1, 1, 1), 8, null);
        var got = new float[9];
        BlockedReorder.ToNchw(output, got, 1, 1, 9, 8);
        Assert.Equal([1f, 5, 5, 3, 5, 5, 3, 3, -2], got);
        BlockedPool.Forward(blocked, output, 1, 1, 2, 2, 3, 3, new PoolingParams(PoolingMethod.Ave, 2, 2, 1, 1, 1, 1), 8, null);
        BlockedReorder.ToNchw(output, got, 1, 1, 9, 8);
        // Every window is 2x2 within the padded 4x4 image, so each sum is divided by 4.
        Assert.Equal([0.25f, 1.5f, 1.25f, 1, 1.75f, 0.75f, 0.75f, 0.25f, -0.5f], got);
        // The padding lanes stay zero.
        Assert.All(Enumerable.Range(0, 9), p => Assert.All(output.AsSpan(p * 8 + 1, 7).ToArray(), v => Assert.Equal(0f, v)));
    }

    static void Run(int block, int batch, int channels, int h, int w, PoolingParams window, int threads)
    {
        var input = new Tensor([batch, channels, h, w]);
        Reference.Random(input.Count, 21 + channels).CopyTo(input.Span);
        var (oh, ow) = Pooling.OutputSize(input.Shape, window);
        var want = new Tensor([batch, channels, oh, ow]);
        Pooling.Forward(input, window, want);
        int padded = (channels + block - 1) / block * block;
        var blocked = new float[batch * padded * h * w];
        BlockedReorder.ToBlocked(input.Span, blocked, batch, channels, h * w, block);
        int outBlocked = batch * padded * oh * ow;
        var output = Enumerable.Repeat(Guard, outBlocked + 64).ToArray();
        // The least work per task 1: every layer splits, however small.
        using var pool = threads > 1 ? new WorkerPool(threads, minTaskWork: 1) : null;
        var resolved = window.Global ? window with { KernelH = h, KernelW = w } : window;
        BlockedPool.Forward(blocked, output.AsSpan(0, outBlocked), batch, channels, h, w, oh, ow, resolved, block, pool);
        Assert.All(output[outBlocked..], g => Assert.Equal(Guard, g));
        var got = new float[want.Count];
        BlockedReorder.ToNchw(output, got, batch, channels, oh * ow, block);
        string what = $"block {block} C={channels} {h}x{w} {window}";
        var expected = want.Span;
        for (int i = 0; i < got.Length; i++)
        {
            // MAX picks the same value; AVE sums the same taps in the same order and divides alike.
            Assert.True(got[i] == expected[i], $"{what} [{i}]: {got[i]} vs {expected[i]}");
        }
        // Padding lanes hold the pooling of zeros: zero.
        for (int n = 0; n < batch; n++)
            for (int c = channels; c < padded; c++)
                for (int p = 0; p < oh * ow; p++)
                    Assert.Equal(0f, output[((n * padded / block + c / block) * oh * ow + p) * block + c % block]);
    }
}
