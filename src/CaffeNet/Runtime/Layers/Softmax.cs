using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>Softmax over one axis; the shape is unchanged.</summary>
sealed class SoftmaxDefinition : LayerDefinition
{
    public override string Type => "Softmax";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) => new SoftmaxLayer(node);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        int axis = c.Axis((c.Layer.SoftmaxParam ?? new SoftmaxParameter()).Axis, c.Input);
        return new LayerShapes([c.Input]) { Attributes = new AxisAttributes(axis), ElementwiseOps = c.Input.CountIfKnown };
    }
}

sealed class SoftmaxLayer(Node node) : ILayer
{
    readonly SoftmaxParams _p = new(LayerFactory.Attributes<AxisAttributes>(node).Axis);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.Softmax.Forward(inputs[0], _p, outputs[0]);
}
