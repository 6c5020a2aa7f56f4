using CaffeNet.Proto;

namespace CaffeNet.Runtime.Fillers;

/// <summary>
/// Fills a blob as Caffe does when a net is built without trained weights, choosing the filler
/// by <c>FillerParameter.type</c>. Draws come from <see cref="SeededRandom"/>, so the values are
/// reproducible but are not the numbers Caffe itself would draw.
/// </summary>
internal static class Filler
{
    public static readonly IReadOnlyList<string> Types =
        ["constant", "uniform", "gaussian", "positive_unitball", "xavier", "msra", "bilinear"];

    public static void Fill(FillerParameter p, TensorShape shape, Span<float> data, SeededRandom random)
    {
        if (data.Length != shape.Count)
            throw new ArgumentException($"{data.Length} values for a blob of shape {shape}", nameof(data));
        Require.Model(shape.Count > 0, $"{p.Type} filler: cannot fill an empty blob of shape {shape}");
        Require.Model(p.Sparse == -1 || p.Type == "gaussian",
            $"{p.Type} filler: sparse {p.Sparse} is only supported by the gaussian filler");
        switch (p.Type)
        {
            case "constant":
                ConstantFiller.Fill(p.Value, data);
                break;
            case "uniform":
                UniformFiller.Fill(p.Min, p.Max, data, random);
                break;
            case "gaussian":
                GaussianFiller.Fill(p.Mean, p.Std, p.Sparse, shape, data, random);
                break;
            case "positive_unitball":
                PositiveUnitballFiller.Fill(shape, data, random);
                break;
            case "xavier":
                XavierFiller.Fill(FanSize(shape, p.VarianceNorm), data, random);
                break;
            case "msra":
                MsraFiller.Fill(FanSize(shape, p.VarianceNorm), data, random);
                break;
            case "bilinear":
                BilinearFiller.Fill(shape, data);
                break;
            default:
                throw new CaffeNetException($"unknown filler type {Excerpt.Name(p.Type)} (expected one of {string.Join(", ", Types)})");
        }
    }

    /// <summary>
    /// Caffe's n for xavier and msra: fan_in = count / shape[0], fan_out = count / shape[1]
    /// (count for a 1-axis blob), both in integer division; AVERAGE is their mean.
    /// </summary>
    public static float FanSize(TensorShape shape, FillerParameter.Types.VarianceNorm norm)
    {
        int fanIn = shape.Count / shape[0];
        int fanOut = shape.Rank > 1 ? shape.Count / shape[1] : shape.Count;
        return norm switch
        {
            FillerParameter.Types.VarianceNorm.FanOut => fanOut,
            FillerParameter.Types.VarianceNorm.Average => (fanIn + fanOut) / 2f,
            _ => fanIn,
        };
    }
}
