namespace CaffeNet.Graph;

/// <summary>
/// A layer's parameters resolved the way Caffe resolves them at setup (defaults applied, repeated
/// and _h/_w forms expanded, negative axes made canonical), so kernels need not repeat that logic.
/// </summary>
public abstract record LayerAttributes;
