using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

public class BatchNormTests
{
    [Fact]
    public void StoredStatisticsAreDividedByTheScaleFactor()
    {
        // Blobs hold sums: mean = [2, 8] / 2 = [1, 4], var = [6, 0.5] / 2 = [3, 0.25]. eps = 1:
        // channel 0 divides by √(3 + 1) = 2, channel 1 by √(0.25 + 1) = √1.25.
        var x = T.Of([1, 2, 1, 2], 1, 5, 4, 6);
        var output = new Tensor(x.Shape);
        BatchNorm.Forward(x, [2, 8], [6, 0.5f], [2], new BatchNormParams(Eps: 1), output);
        float s = MathF.Sqrt(1.25f);
        T.Close([0, 2, 0, 2 / s], output);
    }

    [Fact]
    public void ScaleFactorZeroMeansZeroStatistics()
    {
        // f = 0: mean and variance are taken as 0 whatever the blobs hold, so out = x / √eps.
        var x = T.Of([1, 2, 1, 1], 3, -6);
        var output = new Tensor(x.Shape);
        BatchNorm.Forward(x, [100, 100], [100, 100], [0], new BatchNormParams(Eps: 0.25f), output);
        T.Close([6, -12], output);
    }

    [Fact]
    public void DefaultEpsilonIsOneInAHundredThousand()
    {
        var x = T.Of([1, 1], 1);
        var output = new Tensor(x.Shape);
        BatchNorm.Forward(x, [0], [1], [1], new BatchNormParams(), output);
        T.Close([1 / MathF.Sqrt(1 + 1e-5f)], output, 1e-7f);
    }

    [Fact]
    public void BatchStatisticsAverageOverItemsAndPositions()
    {
        // Channel 0 sees 1, 3 (item 0) and 5, 7 (item 1): mean 4, biased variance (9+1+1+9)/4 = 5.
        // Channel 1 sees 2, 2, 2, 2: mean 2, variance 0. eps = 1.
        var x = T.Of([2, 2, 2], 1, 3, 2, 2, 5, 7, 2, 2);
        var output = new Tensor(x.Shape);
        BatchNorm.Forward(x, [], [], [], new BatchNormParams(Eps: 1, UseGlobalStats: false), output);
        float s = MathF.Sqrt(6);
        T.Close([-3 / s, -1 / s, 0, 0, 1 / s, 3 / s, 0, 0], output);
    }

    [Fact]
    public void RunsInPlace()
    {
        var x = T.Of([1, 2], 3, 5);
        BatchNorm.Forward(x, [1, 1], [3, 15], [1], new BatchNormParams(Eps: 1), x);
        T.Close([1, 1], x); // (3 − 1)/√4, (5 − 1)/√16
    }
}
