namespace CaffeNet.Tests.Api;

/// <summary>The models and seeded inputs the API tests share.</summary>
static class ApiModels
{
    public static string MobileNetV2 => TestPaths.InTestData("mobilenetv2", "deploy.prototxt");

    public static string MobileNetV2Weights => TestPaths.InTestData("mobilenetv2", "calibrated-seed1.caffemodel");

    public static string LeNet => TestPaths.InTestData("lenet", "lenet.prototxt");

    public static string LeNetWeights => TestPaths.InTestData("lenet", "lenet_iter_10000.caffemodel");

    /// <summary>Uniform values in [-1, 1) from <paramref name="seed"/>, as an image normalised around 0.</summary>
    public static float[] Random(int count, int seed)
    {
        var random = new Random(seed);
        var values = new float[count];
        for (int i = 0; i < count; i++)
            values[i] = (float)(random.NextDouble() * 2 - 1);
        return values;
    }

    /// <summary>The largest |a - b| over the largest |b|: the agreement of two computations of one blob.</summary>
    public static double RelativeError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(b.Length, a.Length);
        double diff = 0, scale = 0;
        for (int i = 0; i < a.Length; i++)
        {
            diff = Math.Max(diff, Math.Abs(a[i] - b[i]));
            scale = Math.Max(scale, Math.Abs(b[i]));
        }
        return diff / Math.Max(scale, 1e-30);
    }

    /// <summary>A model from prototxt text (weights in the text, or none).</summary>
    public static CaffeModel FromText(string prototxt, CaffeModelOptions? options = null)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(prototxt));
        return CaffeModel.Load(stream, options: options);
    }
}
