using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Deconvolution (transposed convolution): output size stride (in - 1) + dilation (kernel - 1) + 1 - 2 pad.
/// The weight is Cin x (Cout / group) x Kh x Kw.
/// </summary>
sealed class DeconvolutionDefinition : ConvolutionDefinition
{
    public override string Type => "Deconvolution";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new DeconvolutionLayer(node, blobs);

    protected override bool Transposed => true;

    protected override long OutputSize(LayerContext c, int input, int kernel, int stride, int pad, int dilation) =>
        (long)stride * (input - 1) + (long)dilation * (kernel - 1) + 1 - 2L * pad;
}

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
