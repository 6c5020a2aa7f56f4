using CaffeNet.Runtime;

namespace CaffeNet.Tests.Runtime;

public class TensorTests
{
    [Fact]
    public void ShapeCountsAxesAndCanonicalises()
    {
        TensorShape s = [2, 3, 4, 5];
        Assert.Equal(4, s.Rank);
        Assert.Equal(120, s.Count);
        Assert.Equal(3, s.CanonicalAxis(-1));
        Assert.Equal(1, s.CanonicalAxis(1));
        Assert.Equal(20, s.CountFrom(2));
        Assert.Equal(6, s.CountRange(0, 2));
        Assert.Equal("2x3x4x5", s.ToString());
        Assert.Throws<CaffeNetException>(() => s.CanonicalAxis(4));
        Assert.Throws<CaffeNetException>(() => s.CanonicalAxis(-5));
    }

    [Fact]
    public void AScalarHasRankZeroAndOneElement()
    {
        TensorShape scalar = [];
        Assert.Equal(0, scalar.Rank);
        Assert.Equal(1, scalar.Count);
        Assert.Equal("()", scalar.ToString());
        Assert.Equal(scalar, default);
        Assert.Equal(1, new Tensor(scalar).Span.Length);
    }

    [Fact]
    public void ShapesCompareByValue()
    {
        Assert.Equal(new TensorShape(1, 2), [1, 2]);
        Assert.NotEqual(new TensorShape(1, 2), [2, 1]);
        Assert.True(new TensorShape(3) == [3]);
        TensorShape literal = [1, 2];
        Assert.Equal(new TensorShape(1, 2).GetHashCode(), literal.GetHashCode());
    }

    [Fact]
    public void ShapesThatCannotBeAddressedAreUserErrors()
    {
        Assert.Throws<CaffeNetException>(() => new TensorShape(-1, 2));
        var e = Assert.Throws<CaffeNetException>(() => new TensorShape(100000, 100000));
        Assert.Contains("more than", e.Message);
    }

    [Fact]
    public void AViewSeesItsSliceOfTheBuffer()
    {
        var arena = new float[10];
        var a = new Tensor([2, 2], arena, 3);
        a.Span.Fill(7);
        Assert.Equal([0, 0, 0, 7, 7, 7, 7, 0, 0, 0], arena);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Tensor([2, 2], arena, 7));
    }

    [Fact]
    public void ReshapeSharesStorage()
    {
        var a = T.Iota([2, 3]);
        var b = a.Reshape([6]);
        Assert.True(b.SameStorage(a));
        b.Span[5] = 100;
        Assert.Equal(100, a.Span[5]);
        Assert.Throws<ArgumentException>(() => a.Reshape([5]));
        Assert.False(T.Iota([6]).SameStorage(a));
        Assert.Equal(3, a.Dim(-1));
    }
}
