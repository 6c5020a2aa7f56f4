using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime;

static class T
{
    /// <summary>A tensor of the given shape holding <paramref name="values"/> in row-major order.</summary>
    public static Tensor Of(TensorShape shape, params float[] values) => Tensor.From(shape, values);

    /// <summary>0, 1, 2, … in row-major order: easy to follow in hand-worked examples.</summary>
    public static Tensor Iota(TensorShape shape, float start = 0)
    {
        var t = new Tensor(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
            s[i] = start + i;
        return t;
    }

    public static Tensor Random(TensorShape shape, ulong seed, float scale = 1)
    {
        var random = new SeededRandom(seed);
        var t = new Tensor(shape);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++)
            s[i] = random.Uniform(-scale, scale);
        return t;
    }

    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float allowed = tolerance * Math.Max(1, Math.Abs(expected[i]));
            if (!(Math.Abs(expected[i] - actual[i]) <= allowed))
                Assert.Fail($"at {i}: expected {expected[i]}, got {actual[i]} (tolerance {allowed})");
        }
    }

    public static void Close(float[] expected, in Tensor actual, float tolerance = 1e-5f) =>
        Close(expected, actual.Span, tolerance);
}
