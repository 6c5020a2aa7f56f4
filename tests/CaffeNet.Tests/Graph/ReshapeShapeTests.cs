using CaffeNet.Proto;
using static CaffeNet.Tests.Graph.Nets;

namespace CaffeNet.Tests.Graph;

public class ReshapeShapeTests
{
    static LayerParameter Reshape(long[] dims, int axis = 0, int numAxes = -1)
    {
        var p = new ReshapeParameter { Shape = new BlobShape(), Axis = axis, NumAxes = numAxes };
        p.Shape.Dim.AddRange(dims);
        return new() { Name = "reshape", Type = "Reshape", Bottom = { "data" }, Top = { "out" }, ReshapeParam = p };
    }

    [Theory]
    // 0 copies the input dim at its position; -1 takes what is left: 120 / 2 = 60.
    [InlineData(new long[] { 0, -1 }, 0, -1, new[] { 2, 60 })]
    // Only axes 1..2 (3 x 4) are replaced: -1 = 12.
    [InlineData(new long[] { -1 }, 1, 2, new[] { 2, 12, 5 })]
    // The 0 at index 2 copies input axis 2 (4); -1 = 120 / (2 x 4) = 15.
    [InlineData(new long[] { -1, 2, 0 }, 0, -1, new[] { 15, 2, 4 })]
    // axis -1 is past the last axis: a new trailing axis of 1, nothing replaced.
    [InlineData(new long[] { 1 }, -1, 0, new[] { 2, 3, 4, 5, 1 })]
    // Inserting in front: axis 0, num_axes 0.
    [InlineData(new long[] { 1, 1 }, 0, 0, new[] { 1, 1, 2, 3, 4, 5 })]
    public void ZeroCopiesAndMinusOneInfers(long[] dims, int axis, int numAxes, int[] expected)
    {
        Assert.Equal(S(expected), OutputOf(Reshape(dims, axis, numAxes), 2, 3, 4, 5));
    }

    [Fact]
    public void TwoMinusOnesAreRejected()
    {
        var e = Assert.Throws<CaffeNetException>(() => OutputOf(Reshape([-1, -1]), 2, 3));
        Assert.Equal("layer 'reshape' (type Reshape): shape may contain at most one -1", e.Message);
    }

    [Fact]
    public void IndivisibleCountIsRejected()
    {
        var e = Assert.Throws<CaffeNetException>(() => OutputOf(Reshape([7, -1]), 2, 3, 4, 5));
        Assert.Equal("layer 'reshape' (type Reshape): cannot infer the -1: the input's 120 elements are not divisible by 7", e.Message);
    }

    [Fact]
    public void CountMustBeKept()
    {
        var e = Assert.Throws<CaffeNetException>(() => OutputOf(Reshape([2, 3]), 2, 4));
        Assert.Equal("layer 'reshape' (type Reshape): output 2x3 has 6 elements but the input 2x4 has 8", e.Message);
    }

    [Fact]
    public void InPlaceIsRejected()
    {
        var layer = Reshape([-1]);
        layer.Top[0] = "data";
        var e = Assert.Throws<CaffeNetException>(() => OutputOf(layer, 2, 4));
        Assert.Equal("layer 'reshape' (type Reshape): cannot work in place (top 'data' is also its bottom)", e.Message);
    }
}
