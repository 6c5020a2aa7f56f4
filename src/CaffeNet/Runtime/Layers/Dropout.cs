using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>Dropout: the identity at TEST; at TRAIN it zeroes a random dropout_ratio of values.</summary>
sealed class DropoutDefinition : NeuronDefinition
{
    public override string Type => "Dropout";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new DropoutLayer();

    protected override LayerAttributes Attributes(LayerContext c)
    {
        float ratio = c.Layer.DropoutParam?.DropoutRatio ?? 0.5f;
        if (ratio < 0f || ratio >= 1f) throw c.Error($"dropout_ratio must be in [0, 1), got {ratio}");
        return new DropoutAttributes(ratio);
    }
}

/// <summary>Dropout at test time: the identity.</summary>
sealed class DropoutLayer : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Dropout.Forward(inputs[0], outputs[0]);
}
