using CaffeNet.Runtime.Simd;

namespace CaffeNet.Tests.Runtime.Simd;

public class GemvTests
{
    [Fact]
    public void TwoRowsByHand()
    {
        // w = [[1, 2, 3], [-1, 0, 1]], x rows [1, 1, 1] and [2, 0, -1], bias [0.5, -4]:
        // y[0] = [6.5, -4], y[1] = [-1 + 0.5, -3 - 4] = [-0.5, -7], then ReLU.
        float[] w = [1, 2, 3, -1, 0, 1];
        float[] x = [1, 1, 1, 2, 0, -1];
        foreach (var path in Enum.GetValues<SimdPath>())
        {
            var y = new float[4];
            Gemv.Multiply(path, w, 2, 3, x, 2, y, bias: [0.5f, -4f], activation: Activation.Relu);
            Assert.Equal([6.5f, 0f, 0f, 0f], y);
            Gemv.Multiply(path, w, 2, 3, x, 2, y, bias: [0.5f, -4f], residual: [1, 10, 2, 20]);
            Assert.Equal([7.5f, 6f, 1.5f, 13f], y);
        }
    }

    public static TheoryData<TestedPath, int, int, int> Shapes()
    {
        var data = new TheoryData<TestedPath, int, int, int>();
        foreach (var path in Enum.GetValues<SimdPath>())
            foreach (var (outputs, k, rows) in new[] { (1, 1, 1), (7, 17, 3), (31, 9, 5), (130, 1280, 8), (130, 1280, 1), (17, 31, 1), (65, 7, 4) })
                data.Add((TestedPath)path, outputs, k, rows);
        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesTheReferenceOnOddSizesAtAnyThreadCount(TestedPath tested, int outputs, int k, int rows)
    {
        var path = (SimdPath)tested;
        var w = Reference.Random(outputs * k, 31);
        var x = Reference.Random(rows * k, 32);
        var bias = Reference.Random(outputs, 33);
        var residual = Reference.Random(rows * outputs, 34);
        var clamp = Activation.Clamp(-0.5f, 0.75f);
        var single = new float[rows * outputs + 8];
        Array.Fill(single, -12345f);
        Gemv.Multiply(path, w, outputs, k, x, rows, single.AsSpan(0, rows * outputs), bias, residual, clamp);
        Assert.All(single[(rows * outputs)..], v => Assert.Equal(-12345f, v));
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outputs; o++)
            {
                double sum = bias[o] + residual[r * outputs + o];
                for (int i = 0; i < k; i++)
                    sum += (double)w[o * k + i] * x[r * k + i];
                float want = Math.Clamp((float)sum, -0.5f, 0.75f);
                Assert.True(Math.Abs(single[r * outputs + o] - want) <= 1e-5 * Math.Max(1, k / 64.0), $"{path} row {r} output {o}: {single[r * outputs + o]} vs {want}");
            }
        using var pool = new WorkerPool(3);
        var multi = new float[rows * outputs];
        Gemv.Multiply(path, w, outputs, k, x, rows, multi, bias, residual, clamp, pool);
        Assert.Equal(single[..(rows * outputs)], multi);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        var y = new float[4];
        Assert.Throws<ArgumentException>(() => Gemv.Multiply(new float[5], 2, 3, new float[6], 2, y));       // weights need 6
        Assert.Throws<ArgumentException>(() => Gemv.Multiply(new float[6], 2, 3, new float[5], 2, y));       // x needs 6
        Assert.Throws<ArgumentException>(() => Gemv.Multiply(new float[6], 2, 3, new float[6], 2, new float[3]));
        Assert.Throws<ArgumentException>(() => Gemv.Multiply(new float[6], 2, 3, y, 1, y));                  // x is y
        Assert.Throws<ArgumentOutOfRangeException>(() => Gemv.Multiply(new float[6], 0, 3, new float[6], 2, y));
    }
}
