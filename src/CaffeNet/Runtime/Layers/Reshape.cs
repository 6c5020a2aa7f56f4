using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Reshape: its parameters come from the layer itself (the graph keeps no attributes for it).</summary>
sealed class ReshapeLayer(Node node) : ILayer
{
    readonly ReshapeParams _p = Params(node.Layer.ReshapeParam ?? new ReshapeParameter());

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Reshape.Forward(inputs[0], _p, outputs[0]);

    static ReshapeParams Params(ReshapeParameter p) =>
        new([.. (p.Shape?.Dim ?? []).Select(d => checked((int)d))], p.Axis, p.NumAxes);
}
