namespace CaffeNet.Graph;

/// <summary>Sigmoid: 1 / (1 + exp(-x)).</summary>
internal sealed class SigmoidShape : NeuronShape;
