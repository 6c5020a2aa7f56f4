using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime;

namespace CaffeNet.Tests.Graph;

/// <summary>Small nets built in code for shape-rule tests.</summary>
static class Nets
{
    public static NetParameter Of(params LayerParameter[] layers)
    {
        var net = new NetParameter { Name = "test" };
        net.Layer.AddRange(layers);
        return net;
    }

    public static LayerParameter Input(string top, params int[] dims)
    {
        var shape = new BlobShape();
        shape.Dim.AddRange(dims.Select(d => (long)d));
        var layer = new LayerParameter { Name = top, Type = "Input", Top = { top }, InputParam = new InputParameter() };
        layer.InputParam.Shape.Add(shape);
        return layer;
    }

    public static LayerParameter Layer(string name, string type, string bottom, string top) =>
        new() { Name = name, Type = type, Bottom = { bottom }, Top = { top } };

    public static NetGraph Build(params LayerParameter[] layers) => GraphBuilder.Build(Of(layers), LayerRegistry.Default);

    /// <summary>The one output shape of the last node of a net: an input of <paramref name="dims"/> and <paramref name="layer"/>.</summary>
    public static Shape OutputOf(LayerParameter layer, params int[] dims) =>
        Build(Input(layer.Bottom[0], dims), layer).Nodes[^1].Outputs[0].Shape;

    public static Shape S(params int[] dims) => new(dims);
}
