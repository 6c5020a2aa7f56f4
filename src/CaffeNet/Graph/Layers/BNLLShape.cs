namespace CaffeNet.Graph;

/// <summary>BNLL: log(1 + exp(x)).</summary>
internal sealed class BNLLShape : NeuronShape;
