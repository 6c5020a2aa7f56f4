namespace CaffeNet.Graph;

/// <summary>
/// BatchNorm. UseGlobalStats is resolved as Caffe does: the given value, else true in TEST phase.
/// Blobs: mean (C), variance (C), scale factor (1) that both are divided by.
/// </summary>
public sealed record BatchNormAttributes(float Eps, bool UseGlobalStats, float MovingAverageFraction) : LayerAttributes;
