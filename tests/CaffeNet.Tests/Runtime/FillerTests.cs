using CaffeNet.Proto;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Fillers;

namespace CaffeNet.Tests.Runtime;

public class FillerTests
{
    static float[] Fill(FillerParameter p, TensorShape shape, ulong seed = 7)
    {
        var data = new float[shape.Count];
        Filler.Fill(p, shape, data, new SeededRandom(seed));
        return data;
    }

    static (double Mean, double Variance) Moments(float[] v)
    {
        double mean = v.Average(x => (double)x);
        return (mean, v.Average(x => (x - mean) * (x - mean)));
    }

    [Fact]
    public void ConstantFillsTheValueAndDefaultsToZero()
    {
        Assert.All(Fill(new FillerParameter { Type = "constant", Value = 2.5f }, [3, 2]), v => Assert.Equal(2.5f, v));
        Assert.All(Fill(new FillerParameter(), [4]), v => Assert.Equal(0, v));
    }

    [Fact]
    public void UniformStaysInRangeWithTheRightMean()
    {
        var v = Fill(new FillerParameter { Type = "uniform", Min = -1, Max = 3 }, [100_000]);
        Assert.All(v, x => Assert.InRange(x, -1, 3));
        var (mean, variance) = Moments(v);
        Assert.Equal(1, mean, 0.02);         // (−1 + 3) / 2
        Assert.Equal(16 / 12.0, variance, 0.02); // (3 − (−1))² / 12
    }

    [Fact]
    public void GaussianHasTheRequestedMeanAndDeviation()
    {
        var (mean, variance) = Moments(Fill(new FillerParameter { Type = "gaussian", Mean = 2, Std = 0.5f }, [100_000]));
        Assert.Equal(2, mean, 0.01);
        Assert.Equal(0.25, variance, 0.005);
    }

    [Fact]
    public void SparseGaussianKeepsSparseOverNumOutputsOfTheValues()
    {
        // sparse 3 with 10 outputs: each value survives with probability 0.3
        var v = Fill(new FillerParameter { Type = "gaussian", Sparse = 3 }, [10, 10_000]);
        Assert.Equal(0.3, v.Count(x => x != 0) / (double)v.Length, 0.01);
        Assert.Throws<CaffeNetException>(() => Fill(new FillerParameter { Type = "gaussian", Sparse = 11 }, [10, 5]));
    }

    [Fact]
    public void FanInIsCountOverFirstAxisAndFanOutCountOverSecond()
    {
        TensorShape conv = [8, 4, 3, 3]; // 288 values: fan_in 288/8 = 36, fan_out 288/4 = 72
        Assert.Equal(36, Filler.FanSize(conv, FillerParameter.Types.VarianceNorm.FanIn));
        Assert.Equal(72, Filler.FanSize(conv, FillerParameter.Types.VarianceNorm.FanOut));
        Assert.Equal(54, Filler.FanSize(conv, FillerParameter.Types.VarianceNorm.Average));
        // A 1-axis blob: fan_in 1, fan_out its count.
        Assert.Equal(10, Filler.FanSize([10], FillerParameter.Types.VarianceNorm.FanOut));
        Assert.Equal(1, Filler.FanSize([10], FillerParameter.Types.VarianceNorm.FanIn));
    }

    [Fact]
    public void XavierIsUniformWithVarianceOneOverN()
    {
        // [200, 50, 3, 3]: fan_in 450, a = √(3/450); U(−a, a) has variance a²/3 = 1/450.
        var v = Fill(new FillerParameter { Type = "xavier" }, [200, 50, 3, 3]);
        float a = MathF.Sqrt(3 / 450f);
        Assert.All(v, x => Assert.InRange(x, -a, a));
        Assert.Equal(1 / 450.0, Moments(v).Variance, 1e-4);
        // FAN_OUT: n = 90000 / 50 = 1800
        var o = Fill(new FillerParameter { Type = "xavier", VarianceNorm = FillerParameter.Types.VarianceNorm.FanOut }, [200, 50, 3, 3]);
        Assert.Equal(1 / 1800.0, Moments(o).Variance, 2e-5);
    }

    [Fact]
    public void MsraIsGaussianWithVarianceTwoOverN()
    {
        var v = Fill(new FillerParameter { Type = "msra" }, [200, 50, 3, 3]);
        var (mean, variance) = Moments(v);
        Assert.Equal(0, mean, 0.002);
        Assert.Equal(2 / 450.0, variance, 1e-4);
        var avg = Fill(new FillerParameter { Type = "msra", VarianceNorm = FillerParameter.Types.VarianceNorm.Average }, [200, 50, 3, 3]);
        Assert.Equal(2 / 1125.0, Moments(avg).Variance, 5e-5); // n = (450 + 1800) / 2
    }

    [Fact]
    public void PositiveUnitballRowsArePositiveAndSumToOne()
    {
        var v = Fill(new FillerParameter { Type = "positive_unitball" }, [4, 5]);
        Assert.All(v, x => Assert.InRange(x, 0, 1));
        for (int row = 0; row < 4; row++)
            Assert.Equal(1, v.Skip(row * 5).Take(5).Sum(), 5);
    }

    [Fact]
    public void BilinearKernels()
    {
        // K = 4: f = 2, c = 3/4; 1 − |x/2 − 3/4| = 0.25, 0.75, 0.75, 0.25; a tap is the product of its row and column.
        float[] w4 = [0.25f, 0.75f, 0.75f, 0.25f];
        var v = Fill(new FillerParameter { Type = "bilinear" }, [2, 1, 4, 4]);
        for (int i = 0; i < v.Length; i++)
            Assert.Equal(w4[i / 4 % 4] * w4[i % 4], v[i], 6);
        // K = 3: f = 2, c = 1/2: 0.5, 1, 0.5
        T.Close([0.25f, 0.5f, 0.25f, 0.5f, 1, 0.5f, 0.25f, 0.5f, 0.25f], Fill(new FillerParameter { Type = "bilinear" }, [1, 1, 3, 3]));
    }

    [Fact]
    public void UnknownTypesAndMisplacedSparseAreRefused()
    {
        var e = Assert.Throws<CaffeNetException>(() => Fill(new FillerParameter { Type = "orthogonal" }, [2]));
        Assert.Contains("unknown filler type 'orthogonal'", e.Message);
        Assert.Contains("msra", e.Message);
        Assert.Throws<CaffeNetException>(() => Fill(new FillerParameter { Type = "xavier", Sparse = 2 }, [2, 2]));
        Assert.Throws<CaffeNetException>(() => Fill(new FillerParameter { Type = "bilinear" }, [1, 1, 2, 3]));
    }

    [Fact]
    public void SameSeedSameValuesOtherSeedOtherValues()
    {
        var p = new FillerParameter { Type = "gaussian" };
        Assert.Equal(Fill(p, [50], 1), Fill(p, [50], 1));
        Assert.NotEqual(Fill(p, [50], 1), Fill(p, [50], 2));
    }

    [Fact]
    public void NamedStreamsAreIndependentAndStable()
    {
        var a = SeededRandom.ForStream(5, "conv1/0");
        var b = SeededRandom.ForStream(5, "conv1/1");
        var a2 = SeededRandom.ForStream(5, "conv1/0");
        ulong first = a.NextUInt64();
        Assert.Equal(first, a2.NextUInt64());
        Assert.NotEqual(first, b.NextUInt64());
    }

    [Fact]
    public void OwnLogarithmMatchesTheLibrary()
    {
        var random = new SeededRandom(3);
        foreach (var x in new[] { 1e-300, 1e-20, 0.5, 0.7071, 0.7072, 1, 1 + 1e-12, 1.5, 2, 1e10 }
                     .Concat(Enumerable.Range(0, 1000).Select(_ => random.NextDouble() + 1e-9)))
            Assert.Equal(Math.Log(x), SeededRandom.Log(x), Math.Abs(Math.Log(x)) * 1e-14 + 1e-16);
    }
}
