using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>
/// The forks' depthwise convolution types (ConvolutionDepthwise, DepthwiseConvolution): a
/// convolution with one group per input channel, whatever `group` the prototxt gives.
/// </summary>
internal sealed class DepthwiseConvolutionShape : ConvolutionShape
{
    protected override bool Depthwise => true;

    protected override int Group(LayerContext c, ConvolutionParameter p, long? channels) => checked((int)(channels ?? 0));
}
