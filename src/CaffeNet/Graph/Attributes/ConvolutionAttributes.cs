namespace CaffeNet.Graph;

/// <summary>
/// Convolution and Deconvolution (and the forks' depthwise types, with Group = channels, or 0 in
/// a graph where the channel count is unknown), 2-D.
/// Axis is the channel axis, made canonical; spatial axes follow it.
/// </summary>
public sealed record ConvolutionAttributes(
    int NumOutput,
    bool BiasTerm,
    int Group,
    int Axis,
    int KernelH,
    int KernelW,
    int StrideH,
    int StrideW,
    int PadH,
    int PadW,
    int DilationH,
    int DilationW) : LayerAttributes;
