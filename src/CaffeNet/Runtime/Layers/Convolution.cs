using CaffeNet.Graph;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Convolution (and the forks' depthwise types). Every bottom is convolved with the same
/// weights into the top at its position. Axes before the channel axis are all treated as items.
/// </summary>
sealed class ConvolutionLayer(Node node, IReadOnlyList<Tensor> blobs) : ILayer
{
    readonly ConvolutionParams _p = Params(LayerFactory.Attributes<ConvolutionAttributes>(node));
    readonly int _axis = LayerFactory.Attributes<ConvolutionAttributes>(node).Axis;
    readonly Tensor _weights = blobs[0];
    readonly Tensor _bias = blobs.Count > 1 ? blobs[1] : default;

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        for (int i = 0; i < inputs.Length; i++)
            Kernels.Convolution.Forward(AsImages(inputs[i], _axis), _weights.Span, _bias.HasStorage ? _bias.Span : [], _p, AsImages(outputs[i], _axis));
    }

    internal static ConvolutionParams Params(ConvolutionAttributes a) =>
        new(a.NumOutput, a.KernelH, a.KernelW, a.StrideH, a.StrideW, a.PadH, a.PadW, a.DilationH, a.DilationW, a.Group);

    /// <summary>The tensor seen as N×C×H×W with N the product of the axes before the channel axis.</summary>
    internal static Tensor AsImages(in Tensor t, int axis) =>
        t.Rank == 4 && axis == 1 ? t : t.Reshape([t.Shape.CountRange(0, axis), t.Shape[axis], t.Shape[axis + 1], t.Shape[axis + 2]]);
}
