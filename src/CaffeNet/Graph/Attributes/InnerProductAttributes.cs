namespace CaffeNet.Graph;

/// <summary>
/// Fully connected. Axis (canonical) is the first axis flattened into the input vector; with
/// Transpose the weight is stored K x N instead of N x K.
/// </summary>
public sealed record InnerProductAttributes(int NumOutput, bool BiasTerm, int Axis, bool Transpose) : LayerAttributes;
