using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime;

public class ShapeKernelTests
{
    [Fact]
    public void ConcatJoinsAlongTheAxisForEveryOuterItem()
    {
        var a = T.Of([2, 1, 2], 1, 2, 3, 4);
        var b = T.Of([2, 2, 2], 5, 6, 7, 8, 9, 10, 11, 12);
        var output = new Tensor(Concat.OutputShape([a.Shape, b.Shape], new ConcatParams()));
        Assert.Equal([2, 3, 2], output.Shape);
        Concat.Forward([a, b], new ConcatParams(), output);
        T.Close([1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12], output);
    }

    [Fact]
    public void ConcatRefusesInputsThatDifferElsewhere()
    {
        var e = Assert.Throws<CaffeNetException>(() => Concat.OutputShape([[2, 1, 2], [2, 1, 3]], new ConcatParams()));
        Assert.Contains("differ outside axis 1", e.Message);
    }

    [Fact]
    public void SliceAtPointsUndoesConcat()
    {
        var x = T.Of([2, 3, 2], 1, 2, 5, 6, 7, 8, 3, 4, 9, 10, 11, 12);
        var p = new SliceParams(Axis: 1, SlicePoints: [1]);
        var shapes = Slice.OutputShapes(x.Shape, 2, p);
        Assert.Equal([[2, 1, 2], [2, 2, 2]], shapes);
        Tensor a = new(shapes[0]), b = new(shapes[1]);
        Slice.Forward(x, p, [a, b]);
        T.Close([1, 2, 3, 4], a);
        T.Close([5, 6, 7, 8, 9, 10, 11, 12], b);
    }

    [Fact]
    public void SliceWithoutPointsSplitsEqually()
    {
        Assert.Equal([[2, 2], [2, 2]], Slice.OutputShapes([2, 4], 2, new SliceParams(Axis: -1)));
        Assert.Throws<CaffeNetException>(() => Slice.OutputShapes([2, 5], 2, new SliceParams(Axis: 1)));
        Assert.Throws<CaffeNetException>(() => Slice.OutputShapes([2, 5], 3, new SliceParams(1, [3, 2])));
    }

    [Fact]
    public void SplitCopiesToEveryOutput()
    {
        var x = T.Of([2], 1, 2);
        Tensor a = new([2]), b = new([2]);
        Split.Forward(x, [a, b]);
        T.Close([1, 2], a);
        T.Close([1, 2], b);
    }

    [Fact]
    public void FlattenMergesAxisThroughEndAxis()
    {
        TensorShape s = [2, 3, 4, 5];
        Assert.Equal([2, 60], Flatten.OutputShape(s, new FlattenParams()));
        Assert.Equal([2, 12, 5], Flatten.OutputShape(s, new FlattenParams(1, 2)));
        Assert.Equal([2, 3, 20], Flatten.OutputShape(s, new FlattenParams(-2, -1)));
        Assert.Equal([120], Flatten.OutputShape(s, new FlattenParams(0)));
    }

    [Fact]
    public void ReshapeCopiesZerosInfersMinusOneAndHonoursAxis()
    {
        TensorShape s = [2, 3, 4];
        Assert.Equal([2, 12], Reshape.OutputShape(s, new ReshapeParams([0, -1])));
        Assert.Equal([4, 3, 2], Reshape.OutputShape(s, new ReshapeParams([4, 3, 2])));
        // replace axes 1..2 only
        Assert.Equal([2, 12], Reshape.OutputShape(s, new ReshapeParams([-1], Axis: 1, NumAxes: 2)));
        // axis −1 with no axes replaced appends a new axis at the end
        Assert.Equal([2, 3, 4, 1], Reshape.OutputShape(s, new ReshapeParams([1], Axis: -1, NumAxes: 0)));
        // insert an axis at the front
        Assert.Equal([1, 2, 3, 4], Reshape.OutputShape(s, new ReshapeParams([1], Axis: 0, NumAxes: 0)));
        Assert.Throws<CaffeNetException>(() => Reshape.OutputShape(s, new ReshapeParams([-1, -1])));
        Assert.Throws<CaffeNetException>(() => Reshape.OutputShape(s, new ReshapeParams([5, -1])));
        Assert.Throws<CaffeNetException>(() => Reshape.OutputShape(s, new ReshapeParams([2, 3, 5])));
    }

    [Fact]
    public void ReshapeAndFlattenKeepTheData()
    {
        var x = T.Iota([2, 3]);
        var y = new Tensor([3, 2]);
        Reshape.Forward(x, new ReshapeParams([3, 2]), y);
        T.Close([0, 1, 2, 3, 4, 5], y);
        var z = new Tensor([6]);
        Flatten.Forward(x, new FlattenParams(0), z);
        T.Close([0, 1, 2, 3, 4, 5], z);
    }
}
