using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// A layer applied element by element (Caffe's NeuronLayer): one bottom, one top of the same
/// shape, in place allowed. Subclasses name the type, resolve its attributes and bind its kernel.
/// </summary>
abstract class NeuronDefinition : LayerDefinition
{
    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        return new LayerShapes([c.Input]) { Attributes = Attributes(c), ElementwiseOps = c.Input.CountIfKnown };
    }

    protected virtual LayerAttributes? Attributes(LayerContext c) => null;
}
