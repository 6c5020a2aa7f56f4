using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Softmax over one axis; the shape is unchanged.</summary>
internal sealed class SoftmaxShape : ILayerShape
{
    public LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        int axis = c.Axis((c.Layer.SoftmaxParam ?? new SoftmaxParameter()).Axis, c.Input);
        return new LayerShapes([c.Input]) { Attributes = new AxisAttributes(axis), ElementwiseOps = c.Input.CountIfKnown };
    }
}
