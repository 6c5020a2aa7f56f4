using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;
using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class SeparablePoolTests
{
    static float[] Max(float[] input, int planes, int h, int w, int outH, int outW, PoolingParams p, bool vectorSplit = true)
    {
        var output = new float[planes * outH * outW];
        SeparablePool.Forward<MaxReduce>(input, output, planes, h, w, outH, outW, p, average: false, null, vectorSplit);
        return output;
    }

    static float[] Ave(float[] input, int planes, int h, int w, int outH, int outW, PoolingParams p, bool vectorSplit = true)
    {
        var output = new float[planes * outH * outW];
        SeparablePool.Forward<SumReduce>(input, output, planes, h, w, outH, outW, p, average: true, null, vectorSplit);
        return output;
    }

    static float[] Ramp(int count) => Enumerable.Range(0, count).Select(i => (float)i).ToArray();

    [Fact]
    public void MaxThreeByThreeStrideTwoByHand()
    {
        // 4x4 plane 0..15, kernel 3 stride 2, Caffe's ceil rounding: 2x2 windows, the last ones
        // clipped to the image: rows/columns {0,1,2} and {2,3}. Maxima at the windows' lower right.
        var p = new PoolingParams(PoolingMethod.Max, 3, 3, 2, 2);
        Assert.Equal([10f, 11f, 14f, 15f], Max(Ramp(16), 1, 4, 4, 2, 2, p));
        Assert.Equal([10f, 11f, 14f, 15f], Max(Ramp(16), 1, 4, 4, 2, 2, p, vectorSplit: false));
    }

    [Fact]
    public void MaxNaNIsSkippedAndAllNaNGivesMinusFloatMax()
    {
        // Caffe starts each window at -FLT_MAX and takes a value only when it is greater.
        float nan = float.NaN;
        float[] input = [nan, 1, nan, nan, 2, nan, nan, nan, nan, nan, nan, nan];
        // A 1x12 plane, kernel 1x4 stride 4: windows {nan,1,nan,nan}, {2,nan,nan,nan}, all NaN.
        Assert.Equal([1f, 2f, -float.MaxValue], Max(input, 1, 1, 12, 1, 3, new PoolingParams(PoolingMethod.Max, 1, 4, 1, 4)));
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(2, 1)]
    public void MaxNaNsInWholeVectorsAreSkippedAsTheReferenceSkipsThem(int stride, int pad)
    {
        // A third of the values NaN, in planes wide enough for the vector passes of both directions.
        var values = Reference.Random(2 * 9 * 45, 3);
        for (int i = 0; i < values.Length; i += 3)
            values[i] = float.NaN;
        var p = new PoolingParams(PoolingMethod.Max, 3, 3, stride, stride, pad, pad);
        var input = Tensor.From([1, 2, 9, 45], values);
        var want = new Tensor(Pooling.OutputShape(input.Shape, p));
        Pooling.Forward(input, p, want);
        Assert.DoesNotContain(want.Span.ToArray(), float.IsNaN);
        foreach (bool split in new[] { true, false })
            Assert.Equal(want.Span.ToArray(), Run<MaxReduce>(p, input, want, average: false, null, split));
    }

    [Fact]
    public void MaxPaddingIsNeverTheMaximum()
    {
        // All values negative, 3x3 stride 1 pad 1: padding does not take part (it is not a zero).
        var input = Ramp(9).Select(v => -1 - v).ToArray();
        var p = new PoolingParams(PoolingMethod.Max, 3, 3, 1, 1, 1, 1);
        Assert.Equal([-1f, -1f, -2f, -1f, -1f, -2f, -4f, -4f, -5f], Max(input, 1, 3, 3, 3, 3, p));
    }

    [Fact]
    public void AveragePaddedCeilModeByHand()
    {
        // 4x4 plane 0..15, kernel 3 stride 2 pad 1: ceil((4 + 2 - 3) / 2) + 1 = 3 windows a side,
        // starting at -1, 1, 3. Caffe divides by the window clipped to the padded image [-1, 5): 3, 3
        // and 2 rows (or columns), while the sum takes only the image's values.
        var p = new PoolingParams(PoolingMethod.Ave, 3, 3, 2, 2, 1, 1);
        float[] want =
        [
            (0 + 1 + 4 + 5) / 9f, (1 + 2 + 3 + 5 + 6 + 7) / 9f, (3 + 7) / 6f,
            (4 + 5 + 8 + 9 + 12 + 13) / 9f, 90 / 9f, (7 + 11 + 15) / 6f,
            (12 + 13) / 6f, (13 + 14 + 15) / 6f, 15 / 4f,
        ];
        Assert.Equal(want, Ave(Ramp(16), 1, 4, 4, 3, 3, p));
        Assert.Equal(want, Ave(Ramp(16), 1, 4, 4, 3, 3, p, vectorSplit: false));
    }

    [Fact]
    public void AverageCeilModeWithoutPaddingDividesByTheClippedWindow()
    {
        // No padding: the padded image is the image, so the last (ceil-mode) windows divide by what
        // is left of them: 3x2, 2x3 and 2x2.
        var p = new PoolingParams(PoolingMethod.Ave, 3, 3, 2, 2);
        float[] want = [45 / 9f, (2 + 3 + 6 + 7 + 10 + 11) / 6f, (8 + 9 + 10 + 12 + 13 + 14) / 6f, (10 + 11 + 14 + 15) / 4f];
        Assert.Equal(want, Ave(Ramp(16), 1, 4, 4, 2, 2, p));
    }

    [Fact]
    public void AverageFloorModeDropsTheRaggedWindow()
    {
        // A 1x5 row, kernel 1x2 stride 2, FLOOR: floor(3 / 2) + 1 = 2 windows, {0,1} and {2,3}.
        var p = new PoolingParams(PoolingMethod.Ave, 1, 2, 1, 2, CeilMode: false);
        var shape = Pooling.OutputShape([1, 1, 1, 5], p);
        Assert.Equal(2, shape[3]);
        Assert.Equal([0.5f, 2.5f], Ave(Ramp(5), 1, 1, 5, 1, 2, p));
    }

    public static TheoryData<int, int, int, int, int, int, int> Windows()
    {
        var data = new TheoryData<int, int, int, int, int, int, int>();
        // (height, width, kernel, stride, pad, global, ceil): SqueezeNet's 3/2, ResNet's 3/2 pad 1,
        // GoogLeNet's 3/1 pad 1 and 5/3, 2/2, odd sizes, rows narrower and wider than a vector.
        foreach (var (h, w) in new[] { (113, 113), (56, 56), (13, 13), (7, 9), (1, 1), (5, 37), (28, 28), (14, 14), (3, 70) })
            foreach (var (k, s, pad) in new[] { (3, 2, 0), (3, 2, 1), (3, 1, 1), (2, 2, 0), (5, 1, 2), (1, 1, 0), (3, 3, 0), (5, 3, 0), (4, 2, 1), (2, 1, 0) })
                foreach (int ceil in new[] { 1, 0 })
                    if (k <= h + 2 * pad && k <= w + 2 * pad)
                        data.Add(h, w, k, s, pad, 0, ceil);
        data.Add(7, 7, 0, 1, 0, 1, 1);
        data.Add(13, 17, 0, 1, 0, 1, 1);
        return data;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void MaxEqualsTheReferenceKernel(int h, int w, int k, int s, int pad, int global, int ceil)
    {
        var (p, input, want) = ReferenceCase(PoolingMethod.Max, h, w, k, s, pad, global, ceil);
        foreach (bool split in new[] { true, false })
            Assert.Equal(want.Span.ToArray(), Run<MaxReduce>(p, input, want, average: false, null, split));
        using var pool = new WorkerPool(2);
        Assert.Equal(want.Span.ToArray(), Run<MaxReduce>(p, input, want, average: false, pool, true));
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void AverageEqualsTheReferenceKernel(int h, int w, int k, int s, int pad, int global, int ceil)
    {
        var (p, input, want) = ReferenceCase(PoolingMethod.Ave, h, w, k, s, pad, global, ceil);
        var got = Run<SumReduce>(p, input, want, average: true, null, true);
        for (int i = 0; i < got.Length; i++)
            Assert.True(Math.Abs(got[i] - want.Span[i]) <= 1e-6f * Math.Max(1, Math.Abs(want.Span[i])), $"output {i}: {got[i]} vs {want.Span[i]}");
        // The same additions in the same order whichever split and however many threads.
        Assert.Equal(got, Run<SumReduce>(p, input, want, average: true, null, false));
        using var pool = new WorkerPool(2);
        Assert.Equal(got, Run<SumReduce>(p, input, want, average: true, pool, true));
    }

    static (PoolingParams P, Tensor Input, Tensor Want) ReferenceCase(PoolingMethod method, int h, int w, int k, int s, int pad, int global, int ceil)
    {
        var p = new PoolingParams(method, k, k, s, s, pad, pad, Global: global == 1, CeilMode: ceil == 1);
        // Enough planes (over 32K floats for the big ones) that the pool's threads take part.
        int planes = h * w >= 1000 ? 6 : 40;
        var input = Tensor.From([2, planes / 2, h, w], Reference.Random(planes * h * w, 7));
        var want = new Tensor(Pooling.OutputShape(input.Shape, p));
        Pooling.Forward(input, p, want);
        return (p, input, want);
    }

    static float[] Run<TReduce>(PoolingParams p, Tensor input, Tensor want, bool average, WorkerPool? pool, bool split)
        where TReduce : struct, IPoolReduce
    {
        int h = input.Shape[2], w = input.Shape[3];
        var window = p.Global ? p with { KernelH = h, KernelW = w } : p;
        var got = new float[want.Count];
        SeparablePool.Forward<TReduce>(input.Span, got, input.Shape[0] * input.Shape[1], h, w, want.Shape[2], want.Shape[3],
            window, average, pool, split);
        return got;
    }

    [Fact]
    public void ShortBuffersAreRefused()
    {
        var p = new PoolingParams(PoolingMethod.Max, 2, 2, 2, 2);
        Assert.Throws<ArgumentException>(() => SeparablePool.Forward<MaxReduce>(new float[15], new float[4], 1, 4, 4, 2, 2, p, false, null));
        Assert.Throws<ArgumentException>(() => SeparablePool.Forward<SumReduce>(new float[16], new float[3], 1, 4, 4, 2, 2, p, true, null));
    }
}
