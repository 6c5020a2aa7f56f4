using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

public class PoolingTests
{
    // x(r, c) = 4r + c on 4x4:
    //    0  1  2  3
    //    4  5  6  7
    //    8  9 10 11
    //   12 13 14 15
    static readonly Tensor Grid = T.Iota([1, 1, 4, 4]);

    [Fact]
    public void MaxRoundsUpAndClipsTheLastWindowToTheImage()
    {
        // ⌈(4 − 3) / 2⌉ + 1 = 2 windows per side, at rows/cols 0..2 and 2..3 (clipped from 2..4).
        var p = new PoolingParams(PoolingMethod.Max, 3, 3, 2, 2);
        var output = new Tensor(Pooling.OutputShape(Grid.Shape, p));
        var mask = new Tensor(output.Shape);
        Pooling.Forward(Grid, p, output, mask);
        Assert.Equal([1, 1, 2, 2], output.Shape);
        T.Close([10, 11, 14, 15], output);
        // The mask output holds each maximum's index in its plane.
        T.Close([10, 11, 14, 15], mask);
    }

    [Fact]
    public void FloorRoundingDropsThePartialWindow()
    {
        // ⌊(4 − 3) / 2⌋ + 1 = 1
        var p = new PoolingParams(PoolingMethod.Max, 3, 3, 2, 2, CeilMode: false);
        var output = new Tensor(Pooling.OutputShape(Grid.Shape, p));
        Pooling.Forward(Grid, p, output);
        T.Close([10], output);
    }

    [Fact]
    public void AverageDivisorCountsPaddingButNotWhatHangsPastIt()
    {
        // 3x3, stride 2, pad 1: ⌈(4 + 2 − 3) / 2⌉ + 1 = 3 windows, starting at −1, 1, 3.
        // Clipped to the padded image [−1, 5) they span 3, 3 and 2 (3..4), so the divisors are
        // 9, 9, 6 / 9, 9, 6 / 6, 6, 4. The sums only see image rows/cols {0,1}, {1,2,3}, {3}:
        // Σ(4r + c) over R×C = 4·|C|·ΣR + |R|·ΣC.
        var p = new PoolingParams(PoolingMethod.Ave, 3, 3, 2, 2, 1, 1);
        var output = new Tensor(Pooling.OutputShape(Grid.Shape, p));
        Pooling.Forward(Grid, p, output);
        Assert.Equal([1, 1, 3, 3], output.Shape);
        T.Close(
        [
            10 / 9f, 24 / 9f, 10 / 6f,  // R={0,1}: 4·2·1+2·1=10, 4·3·1+2·6=24, 4·1·1+2·3=10
            51 / 9f, 90 / 9f, 33 / 6f,  // R={1,2,3}: 4·2·6+3·1=51, 4·3·6+3·6=90, 4·1·6+3·3=33
            25 / 6f, 42 / 6f, 15 / 4f,  // R={3}: 4·2·3+1·1=25, 4·3·3+1·6=42, 4·1·3+1·3=15
        ], output);
    }

    [Fact]
    public void AWindowStartingInTheBottomPaddingIsDropped()
    {
        // 3x3 input, 2x2 kernel, stride 2, pad 1: ⌈(3 + 2 − 2) / 2⌉ + 1 = 3, but the third window
        // would start at row 3 = H, inside the padding only, so Caffe keeps 2.
        var p = new PoolingParams(PoolingMethod.Max, 2, 2, 2, 2, 1, 1);
        Assert.Equal([1, 1, 2, 2], Pooling.OutputShape([1, 1, 3, 3], p));
    }

    [Fact]
    public void AKernelLargerThanTheInputGivesOneClippedWindow()
    {
        // ⌈(2 − 3) / 2⌉ + 1 = ⌈−0.5⌉ + 1 = 1, as Caffe's float ceil gives.
        var x = T.Of([1, 1, 2, 2], 1, 5, 3, 2);
        var max = new PoolingParams(PoolingMethod.Max, 3, 3, 2, 2);
        var output = new Tensor(Pooling.OutputShape(x.Shape, max));
        Pooling.Forward(x, max, output);
        T.Close([5], output);
        // AVE divides by the clipped window (no padding): (1 + 5 + 3 + 2) / 4
        Pooling.Forward(x, max with { Method = PoolingMethod.Ave }, output);
        T.Close([11 / 4f], output);
    }

    [Fact]
    public void GlobalPoolingCoversEachPlane()
    {
        var x = T.Iota([2, 3, 2, 3]); // planes of 6 values: 0..5, 6..11, …
        var p = new PoolingParams(PoolingMethod.Ave, 0, 0, Global: true);
        var output = new Tensor(Pooling.OutputShape(x.Shape, p));
        Assert.Equal([2, 3, 1, 1], output.Shape);
        Pooling.Forward(x, p, output);
        // mean of 6k .. 6k+5 is 6k + 2.5
        T.Close([2.5f, 8.5f, 14.5f, 20.5f, 26.5f, 32.5f], output);
        Pooling.Forward(x, p with { Method = PoolingMethod.Max }, output);
        T.Close([5, 11, 17, 23, 29, 35], output);
    }

    [Fact]
    public void PaddingMustBeSmallerThanTheKernel()
    {
        var e = Assert.Throws<CaffeNetException>(() =>
            Pooling.OutputShape([1, 1, 4, 4], new PoolingParams(PoolingMethod.Max, 2, 2, 1, 1, 2, 2)));
        Assert.Contains("smaller than the kernel", e.Message);
    }
}
