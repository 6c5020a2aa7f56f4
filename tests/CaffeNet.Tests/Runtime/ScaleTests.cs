using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

public class ScaleTests
{
    [Fact]
    public void PerChannelScaleAndBias()
    {
        // x = 0..11 as [2, 3, 1, 2]; out[n, c] = x · s[c] + b[c] with s = [1, 10, 100], b = [0.5, 0.5, −1]
        var x = T.Iota([2, 3, 1, 2]);
        var output = new Tensor(x.Shape);
        Scale.Forward(x, T.Of([3], 1, 10, 100), [0.5f, 0.5f, -1], new ScaleParams(), output);
        T.Close([0.5f, 1.5f, 20.5f, 30.5f, 399, 499, 6.5f, 7.5f, 80.5f, 90.5f, 999, 1099], output);
    }

    [Fact]
    public void ScaleFromASecondInputSpanningTwoAxes()
    {
        // scale [2, 3] from axis 0: one factor per (n, c) = 1..6
        var x = T.Iota([2, 3, 2]);
        var output = new Tensor(x.Shape);
        Scale.Forward(x, T.Of([2, 3], 1, 2, 3, 4, 5, 6), [], new ScaleParams(Axis: 0), output);
        T.Close([0, 1, 4, 6, 12, 15, 24, 28, 40, 45, 60, 66], output);
    }

    [Fact]
    public void ARankZeroScaleMultipliesEverythingWhateverTheAxis()
    {
        var x = T.Of([1, 2], 3, 4);
        var output = new Tensor(x.Shape);
        Scale.Forward(x, T.Of([], 2), [], new ScaleParams(Axis: 1), output);
        T.Close([6, 8], output);
    }

    [Fact]
    public void ParameterShapeFollowsAxisAndNumAxes()
    {
        TensorShape input = [2, 3, 4, 5];
        Assert.Equal([3], Scale.ParamShape(input, 1, 1));
        Assert.Equal([3, 4], Scale.ParamShape(input, 1, 2));
        Assert.Equal([3, 4, 5], Scale.ParamShape(input, 1, -1));
        Assert.Equal([5], Scale.ParamShape(input, -1, 1));
        Assert.Equal([], Scale.ParamShape(input, 0, 0));
        Assert.Throws<CaffeNetException>(() => Scale.ParamShape(input, 2, 3));
    }

    [Fact]
    public void AMismatchedScaleIsRefused()
    {
        var e = Assert.Throws<CaffeNetException>(() =>
            Scale.Forward(new Tensor([1, 3, 2]), new Tensor([2]), [], new ScaleParams(), new Tensor([1, 3, 2])));
        Assert.Contains("does not match input", e.Message);
    }

    [Fact]
    public void BiasAddsAlongTheAxis()
    {
        var x = T.Of([2, 2], 1, 2, 3, 4);
        var output = new Tensor(x.Shape);
        Bias.Forward(x, T.Of([2], 10, 20), new BiasParams(), output);
        T.Close([11, 22, 13, 24], output);
        Bias.Forward(x, T.Of([2], 10, 20), new BiasParams(Axis: 0), output);
        T.Close([11, 12, 23, 24], output);
    }
}
