using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

public class ElementwiseKernelTests
{
    static Tensor Run(Tensor input, Action<Tensor, Tensor> kernel)
    {
        var output = new Tensor(input.Shape);
        kernel(input, output);
        return output;
    }

    [Fact]
    public void ReLUScalesNegativesBySlope() =>
        T.Close([-0.2f, -0.05f, 0, 3], Run(T.Of([4], -2, -0.5f, 0, 3), (x, y) => ReLU.Forward(x, new ReLUParams(0.1f), y)));

    [Fact]
    public void ReLUWithoutSlopeRunsInPlace()
    {
        var x = T.Of([3], -1, 0, 2);
        ReLU.Forward(x, new ReLUParams(), x);
        T.Close([0, 0, 2], x);
    }

    [Fact]
    public void ReLU6ClampsToZeroAndSix() =>
        T.Close([0, 3, 6], Run(T.Of([3], -1, 3, 7), (x, y) => ReLU6.Forward(x, y)));

    [Fact]
    public void ClipClampsToMinAndMax() =>
        T.Close([-1, 0, 0.5f], Run(T.Of([3], -3, 0, 2), (x, y) => Clip.Forward(x, new ClipParams(-1, 0.5f), y)));

    [Fact]
    public void PReLUHasOneSlopePerChannelOnAxisOne()
    {
        // shape [1, 2, 2]: channel 0 holds −1, 2 (slope 0.5), channel 1 holds −3, 4 (slope 0.25)
        var x = T.Of([1, 2, 2], -1, 2, -3, 4);
        T.Close([-0.5f, 2, -0.75f, 4], Run(x, (i, o) => PReLU.Forward(i, [0.5f, 0.25f], new PReLUParams(), o)));
        T.Close([-0.1f, 2, -0.3f, 4], Run(x, (i, o) => PReLU.Forward(i, [0.1f], new PReLUParams(ChannelShared: true), o)));
        Assert.Equal([2], PReLU.SlopeShape(x.Shape, new PReLUParams()));
        Assert.Equal([], PReLU.SlopeShape(x.Shape, new PReLUParams(true)));
    }

    [Fact]
    public void PReLUSlopesRepeatForEveryItem()
    {
        // two items of two channels, one value each: slopes 1/2 and 1/4 alternate
        var x = T.Of([2, 2], -4, -4, -8, -8);
        T.Close([-2, -1, -4, -2], Run(x, (i, o) => PReLU.Forward(i, [0.5f, 0.25f], new PReLUParams(), o)));
    }

    [Fact]
    public void SigmoidAndTanH()
    {
        // σ(ln 3) = 3 / (3 + 1); tanh(ln 2) = (2 − 1/2) / (2 + 1/2) = 0.6
        T.Close([0.5f, 0.75f], Run(T.Of([2], 0, MathF.Log(3)), (x, y) => Sigmoid.Forward(x, y)), 1e-6f);
        T.Close([0, 0.6f], Run(T.Of([2], 0, MathF.Log(2)), (x, y) => TanH.Forward(x, y)), 1e-6f);
        // Large inputs saturate instead of overflowing.
        T.Close([0, 1], Run(T.Of([2], -1000, 1000), (x, y) => Sigmoid.Forward(x, y)));
    }

    [Fact]
    public void PowerIsShiftPlusScaleTimesXToThePower()
    {
        // (1 + 2x)²: x = 0 → 1, x = 1 → 9, x = −1 → 1
        T.Close([1, 9, 1], Run(T.Of([3], 0, 1, -1), (x, y) => Power.Forward(x, new PowerParams(2, 2, 1), y)));
        // Defaults are the identity.
        T.Close([0, 1, -1], Run(T.Of([3], 0, 1, -1), (x, y) => Power.Forward(x, new PowerParams(), y)));
        // Scale 0 ignores x: 3² everywhere; power 0 gives 1 even for a NaN input.
        T.Close([9, 9], Run(T.Of([2], 5, float.NaN), (x, y) => Power.Forward(x, new PowerParams(2, 0, 3), y)));
        T.Close([1, 1], Run(T.Of([2], 5, float.NaN), (x, y) => Power.Forward(x, new PowerParams(0, 2, 3), y)));
    }

    [Fact]
    public void DropoutIsTheIdentityAtTestTime() =>
        T.Close([1, -2, 3], Run(T.Of([3], 1, -2, 3), (x, y) => Dropout.Forward(x, y)));

    [Fact]
    public void EltwiseSumWithCoefficients()
    {
        // 1·[1, 2] − 0.5·[4, 6] = [−1, −1]
        var output = new Tensor([2]);
        Eltwise.Forward([T.Of([2], 1, 2), T.Of([2], 4, 6)], new EltwiseParams(EltwiseOperation.Sum, [1, -0.5f]), output);
        T.Close([-1, -1], output);
        // Without coefficients all are 1, and the default operation is SUM.
        Eltwise.Forward([T.Of([2], 1, 2), T.Of([2], 4, 6), T.Of([2], 10, 10)], new EltwiseParams(), output);
        T.Close([15, 18], output);
    }

    [Fact]
    public void EltwiseProductAndMaximum()
    {
        var output = new Tensor([2]);
        Eltwise.Forward([T.Of([2], 1, 2), T.Of([2], 4, 6), T.Of([2], 0.5f, 0.5f)], new EltwiseParams(EltwiseOperation.Prod), output);
        T.Close([2, 6], output);
        Eltwise.Forward([T.Of([2], 1, 7), T.Of([2], 4, 6), T.Of([2], 0, 9)], new EltwiseParams(EltwiseOperation.Max), output);
        T.Close([4, 9], output);
    }

    [Fact]
    public void EltwiseRejectsACoefficientCountThatDoesNotMatch()
    {
        var e = Assert.Throws<CaffeNetException>(() =>
            Eltwise.Forward([T.Of([1], 1), T.Of([1], 2)], new EltwiseParams(EltwiseOperation.Sum, [1, 2, 3]), new Tensor([1])));
        Assert.Contains("3 coefficients for 2 inputs", e.Message);
    }

    [Fact]
    public void EltwiseSumMayWriteOverItsFirstInput()
    {
        var a = T.Of([2], 1, 2);
        Eltwise.Forward([a, T.Of([2], 10, 20)], new EltwiseParams(EltwiseOperation.Sum, [2, 1]), a);
        T.Close([12, 24], a);
    }

    [Fact]
    public void BareConstructorsGiveCaffesDefaults()
    {
        Assert.Equal(new BatchNormParams(1e-5f, true), new BatchNormParams());
        Assert.Equal(1, new ScaleParams().Axis);
        Assert.Equal(1, new BiasParams().Axis);
        Assert.Equal(new PowerParams(1, 1, 0), new PowerParams());
        Assert.Equal(EltwiseOperation.Sum, new EltwiseParams().Operation);
        Assert.Equal(1, new SoftmaxParams().Axis);
        Assert.Equal(new FlattenParams(1, -1), new FlattenParams());
        Assert.Equal(1, new ConcatParams().Axis);
        Assert.Equal(1, new SliceParams().Axis);
        Assert.Equal(new LRNParams(5, 1, 0.75f, 1, LRNRegion.AcrossChannels), new LRNParams());
        Assert.Equal(new SoftmaxWithLossParams(1, null, LossNormalization.Valid), new SoftmaxWithLossParams());
        Assert.Equal(new AccuracyParams(1, 1, null), new AccuracyParams());
    }
}
