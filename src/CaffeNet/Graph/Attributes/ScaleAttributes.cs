namespace CaffeNet.Graph;

/// <summary>
/// Scale (and Bias, with BiasTerm meaning the whole op): multiplies by a blob spanning axes
/// [Axis, Axis + NumAxes) of the first input. FromInput: the factor is the second input, not a learned blob.
/// </summary>
public sealed record ScaleAttributes(int Axis, int NumAxes, bool BiasTerm, bool FromInput) : LayerAttributes;
