namespace CaffeNet.Graph;

/// <summary>
/// Deconvolution (transposed convolution): output size stride (in - 1) + dilation (kernel - 1) + 1 - 2 pad.
/// The weight is Cin x (Cout / group) x Kh x Kw.
/// </summary>
internal sealed class DeconvolutionShape : ConvolutionShape
{
    protected override bool Transposed => true;

    protected override long OutputSize(LayerContext c, int input, int kernel, int stride, int pad, int dilation) =>
        (long)stride * (input - 1) + (long)dilation * (kernel - 1) + 1 - 2L * pad;
}
