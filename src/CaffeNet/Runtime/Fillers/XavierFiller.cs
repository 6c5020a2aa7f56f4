namespace CaffeNet.Runtime.Fillers;

/// <summary>
/// Glorot and Bengio's initialisation as Caffe has it: uniform in [−a, a] with a = √(3 / n),
/// n from <see cref="Filler.FanSize"/> (fan-in by default).
/// </summary>
internal static class XavierFiller
{
    public static void Fill(float n, Span<float> data, SeededRandom random)
    {
        float scale = MathF.Sqrt(3 / n);
        for (int i = 0; i < data.Length; i++)
            data[i] = random.Uniform(-scale, scale);
    }
}
