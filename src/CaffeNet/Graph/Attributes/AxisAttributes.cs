namespace CaffeNet.Graph;

/// <summary>A layer whose only parameter is an axis, made canonical (Concat, Softmax, SoftmaxWithLoss).</summary>
public sealed record AxisAttributes(int Axis) : LayerAttributes;
