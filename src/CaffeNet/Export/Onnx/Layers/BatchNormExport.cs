using CaffeNet.Graph;

namespace CaffeNet.Export.Onnx.Layers;

/// <summary>
/// BatchNorm. With stored statistics: BatchNormalization with unit scale and zero shift, the
/// mean and variance being Caffe's sums divided by the third blob (a factor of 0 meaning
/// statistics of 0, as Caffe takes it). With batch statistics (use_global_stats false): Caffe's
/// two passes, mean then the mean of squared deviations, over every axis but the channels.
/// </summary>
internal sealed class BatchNormExport : ILayerExport
{
    public void Export(NodeExport e)
    {
        var a = e.Attributes<BatchNormAttributes>();
        int rank = e.InputDims.Count;
        if (rank < 2)
            throw e.Error($"the input {Describe(e.InputDims)} has no channel axis");
        if (a.UseGlobalStats)
            Stored(e, a.Eps);
        else
            Batch(e, a.Eps, rank);
    }

    static void Stored(NodeExport e, float eps)
    {
        int channels = e.InputDims[1];
        float factor = e.Blobs[2].Span[0];
        float scale = factor == 0 ? 0 : 1 / factor;
        var mean = new float[channels];
        var variance = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            mean[c] = e.Blobs[0].Span[c] * scale;
            variance[c] = e.Blobs[1].Span[c] * scale;
        }
        var ones = Enumerable.Repeat(1f, channels).ToArray();
        var zeros = new float[channels];
        e.Op("BatchNormalization",
            [e.Input, e.Floats("scale", [channels], ones), e.Floats("shift", [channels], zeros),
                e.Floats("mean", [channels], mean), e.Floats("variance", [channels], variance)],
            e.Output, OnnxAttribute.Float("epsilon", eps));
    }

    static void Batch(NodeExport e, float eps, int rank)
    {
        long[] axes = [0, .. Enumerable.Range(2, rank - 2).Select(i => (long)i)];
        var mean = Reduce.Mean(e, e.Input, axes, "mean");
        var deviation = e.Step("Sub", "deviation", [e.Input, mean]);
        var squared = e.Step("Mul", "squared", [deviation, deviation]);
        var variance = Reduce.Mean(e, squared, axes, "variance");
        var shifted = e.Step("Add", "variance_eps", [variance, e.Scalar("eps", eps)]);
        var std = e.Step("Sqrt", "std", [shifted]);
        e.Op("Div", [deviation, std], e.Output);
    }

    static string Describe(IReadOnlyList<int> dims) => string.Join('x', dims);
}
