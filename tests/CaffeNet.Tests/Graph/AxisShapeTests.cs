using CaffeNet.Graph;
using CaffeNet.Proto;
using static CaffeNet.Tests.Graph.Nets;

namespace CaffeNet.Tests.Graph;

/// <summary>Flatten, Concat, Slice, Crop, InnerProduct, Permute: the layers that move axes around.</summary>
public class AxisShapeTests
{
    [Theory]
    [InlineData(1, -1, new[] { 2, 60 })]
    [InlineData(2, 3, new[] { 2, 3, 20 })]
    [InlineData(0, -2, new[] { 24, 5 })]
    [InlineData(-1, -1, new[] { 2, 3, 4, 5 })]
    public void FlattenAxisToEndAxis(int axis, int endAxis, int[] expected)
    {
        var layer = Layer("flat", "Flatten", "data", "flat");
        layer.FlattenParam = new FlattenParameter { Axis = axis, EndAxis = endAxis };
        Assert.Equal(S(expected), OutputOf(layer, 2, 3, 4, 5));
    }

    [Fact]
    public void ConcatAddsTheAxis()
    {
        var concat = new LayerParameter { Name = "cat", Type = "Concat", Bottom = { "a", "b" }, Top = { "cat" } };
        var g = Build(Input("a", 1, 2, 3, 3), Input("b", 1, 5, 3, 3), concat);
        Assert.Equal(S(1, 7, 3, 3), g.Nodes[0].Outputs[0].Shape);
    }

    [Fact]
    public void ConcatAlongAMismatchedAxisIsRejected()
    {
        var concat = new LayerParameter { Name = "cat", Type = "Concat", Bottom = { "a", "b" }, Top = { "cat" } };
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("a", 1, 2, 3, 3), Input("b", 1, 2, 4, 3), concat));
        Assert.Equal("layer 'cat' (type Concat): bottom 1 (b: 1x2x4x3) does not match bottom 0 (1x2x3x3) on the axes other than the concat axis 1", e.Message);
    }

    [Fact]
    public void SliceAtPoints()
    {
        var slice = new LayerParameter { Name = "slice", Type = "Slice", Bottom = { "data" }, Top = { "a", "b", "c" }, SliceParam = new() { SlicePoint = { 3, 7 } } };
        var g = Build(Input("data", 1, 10, 2, 2), slice);
        Assert.Equal([S(1, 3, 2, 2), S(1, 4, 2, 2), S(1, 3, 2, 2)], g.Nodes[0].Outputs.Select(o => o.Shape));
    }

    [Fact]
    public void SliceInEqualParts()
    {
        var slice = new LayerParameter { Name = "slice", Type = "Slice", Bottom = { "data" }, Top = { "a", "b", "c" }, SliceParam = new() { Axis = -1 } };
        var g = Build(Input("data", 2, 9), slice);
        Assert.All(g.Nodes[0].Outputs, o => Assert.Equal(S(2, 3), o.Shape));
        Assert.Equal([3, 6], ((SliceAttributes)g.Nodes[0].Attributes!).Points);
    }

    [Fact]
    public void CropToTheReferenceAtOffsets()
    {
        var crop = new LayerParameter { Name = "crop", Type = "Crop", Bottom = { "big", "ref" }, Top = { "out" }, CropParam = new() { Axis = 2, Offset = { 1, 3 } } };
        var node = Build(Input("big", 1, 3, 10, 12), Input("ref", 1, 5, 6, 6), crop).Nodes[0];
        Assert.Equal(S(1, 3, 6, 6), node.Outputs[0].Shape);
        Assert.Equal([1, 3], ((CropAttributes)node.Attributes!).Offsets);
    }

    [Fact]
    public void CropPastTheEdgeIsRejected()
    {
        // Offset 5 + size 6 > 10.
        var crop = new LayerParameter { Name = "crop", Type = "Crop", Bottom = { "big", "ref" }, Top = { "out" }, CropParam = new() { Offset = { 5 } } };
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("big", 1, 3, 10, 12), Input("ref", 1, 5, 6, 6), crop));
        Assert.Equal("layer 'crop' (type Crop): crop of axis 2 to size 6 at offset 5 goes past the input size 10", e.Message);
    }

    [Theory]
    // K = 3 x 4 x 5 = 60 per item, 2 items: 2 x 60 x 10 MACs, 60 x 10 + 10 params.
    [InlineData(1, new[] { 2, 10 }, 1200, 610)]
    // K = 4 x 5 = 20, M = 2 x 3 = 6: 6 x 20 x 10 MACs, 20 x 10 + 10 params.
    [InlineData(2, new[] { 2, 3, 10 }, 1200, 210)]
    public void InnerProductFlattensFromItsAxis(int axis, int[] expected, long macs, long parameters)
    {
        var ip = Layer("fc", "InnerProduct", "data", "fc");
        ip.InnerProductParam = new InnerProductParameter { NumOutput = 10, Axis = axis };
        var node = Build(Input("data", 2, 3, 4, 5), ip).Nodes[0];
        Assert.Equal(S(expected), node.Outputs[0].Shape);
        Assert.Equal(macs, node.Cost.Macs);
        Assert.Equal(parameters, node.Cost.Params);
    }

    [Fact]
    public void PermuteListsTheNewAxisOrder()
    {
        var permute = Layer("perm", "Permute", "data", "perm");
        permute.PermuteParam = new PermuteParameter { Order = { 0, 2, 3, 1 } };
        Assert.Equal(S(1, 4, 5, 3), OutputOf(permute, 1, 3, 4, 5));
    }

    [Fact]
    public void ArgMaxWithoutAxisGivesNx1xK()
    {
        var argmax = Layer("argmax", "ArgMax", "data", "top");
        argmax.ArgmaxParam = new ArgMaxParameter { TopK = 3, OutMaxVal = true };
        Assert.Equal(S(2, 2, 3), OutputOf(argmax, 2, 10));
    }

    [Fact]
    public void EltwiseOfUnequalShapesIsRejected()
    {
        var sum = new LayerParameter { Name = "sum", Type = "Eltwise", Bottom = { "a", "b" }, Top = { "sum" } };
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("a", 1, 2, 3, 3), Input("b", 1, 2, 3, 4), sum));
        Assert.Equal("layer 'sum' (type Eltwise): bottoms must have equal shapes: 'a' is 1x2x3x3, 'b' is 1x2x3x4", e.Message);
    }
}
