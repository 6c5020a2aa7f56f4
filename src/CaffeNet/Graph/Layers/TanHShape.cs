namespace CaffeNet.Graph;

/// <summary>TanH: tanh(x).</summary>
internal sealed class TanHShape : NeuronShape;
