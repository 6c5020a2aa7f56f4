using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>
/// Pooling over H and W. For global pooling the kernel is the input's H x W (0 x 0 in a graph
/// where that size is unknown), stride 1, no pad.
/// </summary>
public sealed record PoolingAttributes(
    PoolingParameter.Types.PoolMethod Method,
    int KernelH,
    int KernelW,
    int StrideH,
    int StrideW,
    int PadH,
    int PadW,
    bool Global,
    PoolingParameter.Types.RoundMode RoundMode) : LayerAttributes;
