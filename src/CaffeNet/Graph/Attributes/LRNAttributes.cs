using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Local response normalisation.</summary>
public sealed record LRNAttributes(int LocalSize, float Alpha, float Beta, float K, LRNParameter.Types.NormRegion Region) : LayerAttributes;
