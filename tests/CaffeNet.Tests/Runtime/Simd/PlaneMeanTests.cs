using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class PlaneMeanTests
{
    [Fact]
    public void TwoPlanesByHand()
    {
        // (1 + 2 + 3 + 4) / 4 = 2.5 and (-1 - 1 - 1 + 5) / 4 = 0.5.
        foreach (var path in Enum.GetValues<SimdPath>())
        {
            var output = new float[3];
            output[2] = -7f;
            PlaneMean.Forward(path, [1, 2, 3, 4, -1, -1, -1, 5], output, 2, 4);
            Assert.Equal([2.5f, 0.5f, -7f], output);
        }
    }

    public static TheoryData<TestedPath, int, int, int> Shapes()
    {
        var data = new TheoryData<TestedPath, int, int, int>();
        foreach (var path in Enum.GetValues<SimdPath>())
            foreach (int channels in new[] { 1, 7, 17, 31 })
                foreach (var (h, w) in new[] { (1, 1), (7, 7), (3, 5), (4, 4), (5, 5), (1, 23) })
                    data.Add((TestedPath)path, channels, h, w);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesGlobalAveragePooling(TestedPath tested, int channels, int h, int w)
    {
        var path = (SimdPath)tested;
        var input = Tensor.From([2, channels, h, w], Reference.Random(2 * channels * h * w, 41));
        var want = new Tensor([2, channels, 1, 1]);
        Pooling.Forward(input, new PoolingParams(PoolingMethod.Ave, 0, 0, Global: true), want);
        var got = new float[2 * channels];
        PlaneMean.Forward(path, input.Span, got, 2 * channels, h * w);
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(got[i] - want.Span[i]) <= 1e-6f, $"{path} plane {i} of {h}x{w}: {got[i]} vs {want.Span[i]}");
    }

    [Fact]
    public void ThreadedEqualsSerial()
    {
        // ResNet-50's last pooling: 2048 planes of 7x7, enough for the pool's threads.
        var input = Reference.Random(2048 * 49, 5);
        var serial = new float[2048];
        var threaded = new float[2048];
        PlaneMean.Forward(input, serial, 2048, 49);
        using var pool = new WorkerPool(2);
        PlaneMean.Forward(input, threaded, 2048, 49, pool);
        Assert.Equal(serial, threaded);
        Assert.Equal(input.AsSpan(49, 49).ToArray().Sum() / 49, serial[1], 1e-5f);
    }

    [Fact]
    public void ShortBuffersAreRefused()
    {
        Assert.Throws<ArgumentException>(() => PlaneMean.Forward(new float[7], new float[2], 2, 4));
        Assert.Throws<ArgumentException>(() => PlaneMean.Forward(new float[8], new float[1], 2, 4));
    }
}
