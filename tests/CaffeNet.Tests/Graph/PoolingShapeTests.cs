using CaffeNet.Proto;
using static CaffeNet.Proto.PoolingParameter.Types;
using static CaffeNet.Tests.Graph.Nets;

namespace CaffeNet.Tests.Graph;

public class PoolingShapeTests
{
    static LayerParameter Pool(PoolingParameter p) => new()
    {
        Name = "pool", Type = "Pooling", Bottom = { "data" }, Top = { "pool" }, PoolingParam = p,
    };

    [Fact]
    public void CeilRoundingKeepsThePartialLastWindow()
    {
        // (6 - 3) / 2 = 1.5 -> ceil 2, + 1 = 3 windows: starts 0, 2, 4 (the last covers 4..5 only).
        var shape = OutputOf(Pool(new() { Pool = PoolMethod.Max, KernelSize = 3, Stride = 2 }), 1, 2, 6, 6);
        Assert.Equal(S(1, 2, 3, 3), shape);
    }

    [Fact]
    public void FloorRoundingDropsThePartialLastWindow()
    {
        // floor(1.5) = 1, + 1 = 2 windows: starts 0 and 2.
        var p = new PoolingParameter { Pool = PoolMethod.Max, KernelSize = 3, Stride = 2, RoundMode = RoundMode.Floor };
        Assert.Equal(S(1, 2, 2, 2), OutputOf(Pool(p), 1, 2, 6, 6));
    }

    [Fact]
    public void ForksCeilModeFalseMeansFloor()
    {
        var p = new PoolingParameter { Pool = PoolMethod.Max, KernelSize = 3, Stride = 2, CeilMode = false };
        Assert.Equal(S(1, 2, 2, 2), OutputOf(Pool(p), 1, 2, 6, 6));
    }

    [Fact]
    public void LastWindowStartingInThePaddingIsClipped()
    {
        // Size 5, pad 1, kernel 2, stride 2: ceil((5 + 2 - 2) / 2) + 1 = 4 windows would start at
        // -1, 1, 3, 5; position 5 is right padding (the image is 0..4), so Caffe keeps 3.
        var p = new PoolingParameter { Pool = PoolMethod.Ave, KernelSize = 2, Stride = 2, Pad = 1 };
        Assert.Equal(S(1, 1, 3, 3), OutputOf(Pool(p), 1, 1, 5, 5));
    }

    [Fact]
    public void LastWindowStartingInsideTheImageIsKept()
    {
        // Size 6, pad 1, kernel 3, stride 2: ceil(5 / 2) + 1 = 4 windows at -1, 1, 3, 5; 5 < 6 + 1, kept.
        var p = new PoolingParameter { Pool = PoolMethod.Max, KernelSize = 3, Stride = 2, Pad = 1 };
        Assert.Equal(S(1, 1, 4, 4), OutputOf(Pool(p), 1, 1, 6, 6));
    }

    [Fact]
    public void GlobalPoolingTakesTheWholePlane()
    {
        var layer = Pool(new() { Pool = PoolMethod.Ave, GlobalPooling = true });
        var g = Build(Input("data", 2, 8, 7, 5), layer);
        Assert.Equal(S(2, 8, 1, 1), g.Nodes[0].Outputs[0].Shape);
        var a = Assert.IsType<CaffeNet.Graph.PoolingAttributes>(g.Nodes[0].Attributes);
        Assert.Equal((7, 5, 1, 1), (a.KernelH, a.KernelW, a.StrideH, a.StrideW));
    }

    [Fact]
    public void RectangularKernelStrideAndPad()
    {
        // H: (10 + 2 - 3) / 1 + 1 = 10; W: ceil((8 + 0 - 2) / 2) + 1 = 4.
        var p = new PoolingParameter { Pool = PoolMethod.Max, KernelH = 3, KernelW = 2, StrideH = 1, StrideW = 2, PadH = 1, PadW = 0 };
        Assert.Equal(S(1, 1, 10, 4), OutputOf(Pool(p), 1, 1, 10, 8));
    }

    [Fact]
    public void GlobalPoolingWithAKernelIsRejected()
    {
        var layer = Pool(new() { GlobalPooling = true, KernelSize = 3 });
        var e = Assert.Throws<CaffeNetException>(() => Build(Input("data", 1, 1, 4, 4), layer));
        Assert.Equal("layer 'pool' (type Pooling): global pooling takes its kernel from the input; do not give kernel_size", e.Message);
    }

    [Fact]
    public void MaxPoolingMayHaveAMaskTop()
    {
        var layer = Pool(new() { Pool = PoolMethod.Max, KernelSize = 2, Stride = 2 });
        layer.Top.Add("mask");
        var g = Build(Input("data", 1, 1, 4, 4), layer);
        Assert.Equal(S(1, 1, 2, 2), g.Nodes[0].Outputs[1].Shape);
    }
}
