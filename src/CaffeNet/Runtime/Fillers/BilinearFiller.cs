namespace CaffeNet.Runtime.Fillers;

/// <summary>
/// Bilinear upsampling kernels for a Deconvolution: on a 4-axis blob with square K×K planes,
/// with f = ⌈K / 2⌉ and c = (K − 1) / (2f), tap (y, x) is (1 − |x/f − c|)·(1 − |y/f − c|),
/// the same in every plane. Not random.
/// </summary>
internal static class BilinearFiller
{
    public static void Fill(TensorShape shape, Span<float> data)
    {
        Require.Model(shape.Rank == 4, $"bilinear filler: blob must have 4 axes, got {shape}");
        Require.Model(shape[2] == shape[3], $"bilinear filler: kernel must be square, got {shape[2]}x{shape[3]}");
        int k = shape[3];
        int f = (k + 1) / 2;
        float c = (float)((k - 1) / (2.0 * f));
        for (int i = 0; i < data.Length; i++)
        {
            float x = i % k;
            float y = i / k % k;
            data[i] = (1 - MathF.Abs(x / f - c)) * (1 - MathF.Abs(y / f - c));
        }
    }
}
