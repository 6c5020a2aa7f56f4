using CaffeNet.Graph;
using CaffeNet.Proto;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// The forks' depthwise convolution types (ConvolutionDepthwise, DepthwiseConvolution): a
/// convolution with one group per input channel, whatever `group` the prototxt gives.
/// </summary>
sealed class DepthwiseConvolutionDefinition : ConvolutionDefinition
{
    public override string Type => "ConvolutionDepthwise";

    public override IReadOnlyList<string> Aliases => ["DepthwiseConvolution"];

    protected override bool Depthwise => true;

    protected override int Group(LayerContext c, ConvolutionParameter p, long? channels) => checked((int)(channels ?? 0));
}
