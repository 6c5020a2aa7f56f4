using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class MaxPoolTests
{
    [Fact]
    public void ThreeByThreeStrideTwoByHand()
    {
        // 4x4 plane 0..15, kernel 3 stride 2, Caffe's ceil rounding: 2x2 windows, the last ones
        // clipped to the image: rows/columns {0,1,2} and {2,3}. Maxima at the windows' lower right.
        var input = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        var output = new float[4];
        MaxPool.Forward(input, output, 1, 4, 4, 2, 2, new PoolingParams(PoolingMethod.Max, 3, 3, 2, 2));
        Assert.Equal([10f, 11f, 14f, 15f], output);
    }

    [Fact]
    public void NaNIsSkippedAndAllNaNGivesMinusFloatMax()
    {
        // Caffe starts each window at -FLT_MAX and takes a value only when it is greater.
        float nan = float.NaN;
        float[] input = [nan, 1, nan, nan, 2, nan, nan, nan, nan, nan, nan, nan];
        var output = new float[3];
        // A 1x12 plane, kernel 1x4 stride 4: windows {nan,1,nan,nan}, {2,nan,nan,nan}, all NaN.
        MaxPool.Forward(input, output.AsSpan(), 1, 1, 12, 1, 3, new PoolingParams(PoolingMethod.Max, 1, 4, 1, 4));
        Assert.Equal([1f, 2f, -float.MaxValue], output);
    }

    public static TheoryData<int, int, int, int, int, int> Windows()
    {
        var data = new TheoryData<int, int, int, int, int, int>();
        // (height, width, kernel, stride, pad, global?): SqueezeNet's 3/2, ResNet's 3/2 pad 1,
        // GoogLeNet's 3/1 pad 1, 2/2, odd sizes, rows narrower and wider than a vector.
        foreach (var (h, w) in new[] { (111, 111), (56, 56), (13, 13), (7, 9), (1, 1), (5, 37), (28, 28) })
            foreach (var (k, s, pad) in new[] { (3, 2, 0), (3, 2, 1), (3, 1, 1), (2, 2, 0), (5, 1, 2), (1, 1, 0), (3, 3, 0) })
                if (k <= h + 2 * pad && k <= w + 2 * pad)
                    data.Add(h, w, k, s, pad, 0);
        data.Add(7, 7, 0, 1, 0, 1);
        data.Add(13, 17, 0, 1, 0, 1);
        return data;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void EqualsTheReferenceKernel(int h, int w, int k, int s, int pad, int global)
    {
        var p = new PoolingParams(PoolingMethod.Max, k, k, s, s, pad, pad, Global: global == 1);
        var input = Tensor.From([2, 3, h, w], Reference.Random(2 * 3 * h * w, 7));
        var want = new Tensor(Pooling.OutputShape(input.Shape, p));
        Pooling.Forward(input, p, want);
        var got = new float[want.Count];
        var window = p.Global ? p with { KernelH = h, KernelW = w } : p;
        MaxPool.Forward(input.Span, got, 6, h, w, want.Shape[2], want.Shape[3], window);
        Assert.Equal(want.Span.ToArray(), got);
        using var pool = new WorkerPool(2);
        var threaded = new float[want.Count];
        MaxPool.Forward(input.Span, threaded, 6, h, w, want.Shape[2], want.Shape[3], window, pool);
        Assert.Equal(got, threaded);
    }

    [Fact]
    public void ShortBuffersAreRefused()
    {
        var p = new PoolingParams(PoolingMethod.Max, 2, 2, 2, 2);
        Assert.Throws<ArgumentException>(() => MaxPool.Forward(new float[15], new float[4], 1, 4, 4, 2, 2, p));
        Assert.Throws<ArgumentException>(() => MaxPool.Forward(new float[16], new float[3], 1, 4, 4, 2, 2, p));
    }
}
