namespace CaffeNet.Runtime.Fillers;

/// <summary>
/// Values uniform in [0, 1], then each of the shape[0] rows (count / shape[0] values) divided by
/// its sum so it sums to 1.
/// </summary>
internal static class PositiveUnitballFiller
{
    public static void Fill(TensorShape shape, Span<float> data, SeededRandom random)
    {
        for (int i = 0; i < data.Length; i++)
            data[i] = random.Uniform(0, 1);
        int dim = data.Length / shape[0];
        for (int row = 0; row < shape[0]; row++)
        {
            var values = data.Slice(row * dim, dim);
            float sum = 0;
            foreach (var v in values)
                sum += v;
            for (int j = 0; j < values.Length; j++)
                values[j] /= sum;
        }
    }
}
