using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>Deconvolution: the transpose of Convolution with the same parameters.</summary>
sealed class DeconvolutionLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly Kernels.ConvolutionParams _p = ConvolutionLayer.Params(LayerFactory.Attributes<ConvolutionAttributes>(node));
    readonly int _axis = LayerFactory.Attributes<ConvolutionAttributes>(node).Axis;
    readonly Tensor _weights = blobs[0];
    readonly Tensor _bias = blobs.Count > 1 ? blobs[1] : default;

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        for (int i = 0; i < inputs.Length; i++)
            Kernels.Deconvolution.Forward(ConvolutionLayer.AsImages(inputs[i], _axis), _weights.Span,
                _bias.HasStorage ? _bias.Span : [], _p, ConvolutionLayer.AsImages(outputs[i], _axis));
    }
}
