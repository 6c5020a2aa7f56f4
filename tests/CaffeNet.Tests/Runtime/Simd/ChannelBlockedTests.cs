using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class ChannelBlockedTests
{
    [Fact]
    public void Blocking_interleaves_eight_channels_per_pixel_and_pads_with_zeros()
    {
        // 1 x 9 channels x 1 x 2: channel c, pixel p holds 10 c + p.
        var nchw = new float[18];
        for (int c = 0; c < 9; c++)
            for (int p = 0; p < 2; p++)
                nchw[c * 2 + p] = 10 * c + p;
        var blocked = new float[ChannelBlocked.Size(1, 9, 1, 2)];
        ChannelBlocked.ToBlocked(nchw, blocked, 1, 9, 1, 2);
        Assert.Equal(32, blocked.Length);
        Assert.Equal([0f, 10, 20, 30, 40, 50, 60, 70], blocked[..8]);          // block 0, pixel 0
        Assert.Equal([1f, 11, 21, 31, 41, 51, 61, 71], blocked[8..16]);        // block 0, pixel 1
        Assert.Equal([80f, 0, 0, 0, 0, 0, 0, 0, 81, 0, 0, 0, 0, 0, 0, 0], blocked[16..]); // channel 8, then zeros
        var back = new float[18];
        ChannelBlocked.FromBlocked(blocked, back, 1, 9, 1, 2);
        Assert.Equal(nchw, back);
    }

    public static TheoryData<int, int> ChannelsAndStrides()
    {
        var data = new TheoryData<int, int>();
        foreach (int channels in new[] { 1, 7, 17, 31 })
            foreach (int stride in new[] { 1, 2 })
                data.Add(channels, stride);
        return data;
    }

    [Theory]
    [MemberData(nameof(ChannelsAndStrides))]
    public void Blocked_depthwise_matches_the_definition(int channels, int stride)
    {
        int batch = 2;
        foreach (var (h, w) in new[] { (1, 1), (7, 7), (5, 9), (13, 11), (2, 31), (2, 2) })
        {
            foreach (int pad in new[] { 1, 0 })
            {
                var window = ConvWindow.Square(3, stride, pad);
                int oh = window.OutputHeight(h), ow = window.OutputWidth(w);
                if (oh < 1 || ow < 1)
                    continue;
                var input = Reference.Random(batch * channels * h * w, 31);
                var weights = Reference.Random(channels * 9, 32);
                var bias = Reference.Random(channels, 33);
                var blockedIn = new float[ChannelBlocked.Size(batch, channels, h, w)];
                ChannelBlocked.ToBlocked(input, blockedIn, batch, channels, h, w);
                var blockedOut = new float[ChannelBlocked.Size(batch, channels, oh, ow)];
                DepthwiseConvBlocked.Forward(blockedIn, blockedOut, batch, channels, h, w, weights, bias, window, Activation.Clamp(-0.5f, 0.5f));
                var output = new float[batch * channels * oh * ow];
                ChannelBlocked.FromBlocked(blockedOut, output, batch, channels, oh, ow);
                string? error = Reference.CheckDepthwise(input, batch, channels, h, w, weights, bias, window, -0.5f, 0.5f, output);
                Assert.True(error == null, $"C={channels} {h}x{w} {window}: {error}");
            }
        }
    }
}
