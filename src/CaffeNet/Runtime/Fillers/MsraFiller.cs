namespace CaffeNet.Runtime.Fillers;

/// <summary>
/// He et al.'s initialisation as Caffe has it: N(0, σ²) with σ = √(2 / n), n from
/// <see cref="Filler.FanSize"/> (fan-in by default).
/// </summary>
internal static class MsraFiller
{
    public static void Fill(float n, Span<float> data, SeededRandom random)
    {
        float std = MathF.Sqrt(2 / n);
        for (int i = 0; i < data.Length; i++)
            data[i] = random.Gaussian(0, std);
    }
}
