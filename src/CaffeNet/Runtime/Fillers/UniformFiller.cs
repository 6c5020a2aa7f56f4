namespace CaffeNet.Runtime.Fillers;

/// <summary>Values uniform in [min, max] (defaults 0 and 1).</summary>
internal static class UniformFiller
{
    public static void Fill(float min, float max, Span<float> data, SeededRandom random)
    {
        Require.Model(min <= max, $"uniform filler: min {min} is greater than max {max}");
        for (int i = 0; i < data.Length; i++)
            data[i] = random.Uniform(min, max);
    }
}
