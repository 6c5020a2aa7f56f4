namespace CaffeNet.Runtime.Fillers;

/// <summary>
/// Values from N(mean, std²). With <c>sparse</c> s ≥ 0 each value is then kept with probability
/// s / shape[0] and zeroed otherwise, so about s inputs per output stay non-zero.
/// </summary>
internal static class GaussianFiller
{
    public static void Fill(float mean, float std, int sparse, TensorShape shape, Span<float> data, SeededRandom random)
    {
        Require.Model(sparse >= -1, $"gaussian filler: sparse {sparse} must be -1 or more");
        for (int i = 0; i < data.Length; i++)
            data[i] = random.Gaussian(mean, std);
        if (sparse < 0)
            return;
        Require.Model(shape.Rank >= 1, "gaussian filler: sparse needs a blob with at least one axis");
        double keep = (double)sparse / shape[0];
        Require.Model(keep <= 1, $"gaussian filler: sparse {sparse} is more than the {shape[0]} outputs");
        for (int i = 0; i < data.Length; i++)
        {
            if (!random.Bernoulli(keep))
                data[i] = 0;
        }
    }
}
