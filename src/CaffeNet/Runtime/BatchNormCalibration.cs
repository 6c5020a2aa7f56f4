using CaffeNet.Graph;

namespace CaffeNet.Runtime;

/// <summary>
/// Sets every BatchNorm's stored statistics to those of what it actually sees on given inputs,
/// so a net with filler weights keeps its activations in a moderate range instead of growing
/// layer by layer (filler BatchNorm statistics are all 0, which divides by √eps). Layers are
/// calibrated in execution order, each on the output of the already calibrated layers before it.
/// </summary>
internal static class BatchNormCalibration
{
    /// <summary>
    /// Runs the executor once on <paramref name="inputs"/>, writing into each BatchNorm's blobs the
    /// mean and biased variance per channel of its input (over N and the axes after C) and a
    /// scale factor of 1. The executor's weights are changed in place.
    /// </summary>
    public static void Calibrate(Executor executor, IReadOnlyDictionary<string, Tensor> inputs)
    {
        foreach (var input in executor.Graph.Inputs)
        {
            if (inputs.TryGetValue(input.Name, out var given))
                SetConsumers(executor, input, given);
        }
        executor.Forward(inputs, (node, outputs) =>
        {
            for (int i = 0; i < outputs.Count; i++)
                SetConsumers(executor, node.Outputs[i], outputs[i]);
        });
    }

    static void SetConsumers(Executor executor, Value value, Tensor tensor)
    {
        foreach (var node in value.Consumers)
        {
            if (node.Type != "BatchNorm" || node.Inputs[0] != value)
                continue;
            var blobs = executor.Weights.For(node);
            Statistics(tensor, blobs[0].Span, blobs[1].Span);
            blobs[2].Span[0] = 1;
        }
    }

    static void Statistics(in Tensor x, Span<float> mean, Span<float> variance)
    {
        int num = x.Shape[0];
        int channels = x.Rank == 1 ? 1 : x.Shape[1];
        int spatial = x.Rank <= 2 ? 1 : x.Shape.CountFrom(2);
        var data = x.Span;
        double count = (double)num * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0, squares = 0;
            for (int n = 0; n < num; n++)
            {
                foreach (var v in data.Slice((n * channels + c) * spatial, spatial))
                    sum += v;
            }
            double m = sum / count;
            for (int n = 0; n < num; n++)
            {
                foreach (var v in data.Slice((n * channels + c) * spatial, spatial))
                    squares += (v - m) * (v - m);
            }
            mean[c] = (float)m;
            variance[c] = (float)(squares / count);
        }
    }
}
