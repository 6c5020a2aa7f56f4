namespace CaffeNet.Graph;

/// <summary>AbsVal: |x|.</summary>
internal sealed class AbsValShape : NeuronShape;
