using CaffeNet.Graph;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Tests.Runtime.Layers;

public class NormalizeTests
{
    // x is 1x2x1x2: channel 0 = (3, 0), channel 1 = (4, 2). Position 0's channel vector (3, 4) has
    // norm 5, position 1's (0, 2) norm 2; the whole sample's norm is sqrt(9 + 16 + 4) = sqrt(29).
    static readonly Tensor X = T.Of([1, 2, 1, 2], 3, 0, 4, 2);

    static Tensor Run(string parameters) =>
        SsdNets.Run(SsdNets.Input("x", 1, 2, 1, 2) + $"layer {{ name: \"norm\" type: \"Normalize\" bottom: \"x\" top: \"y\" norm_param {{ {parameters} }} }}",
            ("x", X))["y"];

    [Fact]
    public void PerPositionOverChannelsWithTheFillersScale()
    {
        var y = Run("across_spatial: false channel_shared: false scale_filler { type: \"constant\" value: 2 }");
        T.Close([3 / 5f * 2, 0, 4 / 5f * 2, 2 / 2f * 2], y);
    }

    [Fact]
    public void AcrossTheSampleWithTheDefaultScaleOfOne()
    {
        float norm = MathF.Sqrt(29);
        T.Close([3 / norm, 0, 4 / norm, 2 / norm], Run(""));
    }

    [Fact]
    public void AScalePerChannelAndInPlace()
    {
        var x = T.Of([1, 2, 1, 2], 3, 0, 4, 2);
        Normalize.Forward(x, [1, 10], new NormalizeAttributes(AcrossSpatial: false, ChannelShared: false, Eps: 1e-10f), new double[2], x);
        T.Close([0.6f, 0, 8, 10], x);
    }

    [Fact]
    public void EpsKeepsAZeroVectorFinite()
    {
        var zero = new Tensor([1, 2, 1, 1]);
        var y = new Tensor(zero.Shape);
        Normalize.Forward(zero, [1], new NormalizeAttributes(AcrossSpatial: true, ChannelShared: true, Eps: 1e-10f), new double[1], y);
        Assert.Equal([0f, 0f], y.ToArray());
    }

    [Fact]
    public void TheScaleBlobIsOneValueWhenSharedElseOnePerChannel()
    {
        var text = SsdNets.Input("x", 1, 5, 3, 3) + "layer { name: \"norm\" type: \"Normalize\" bottom: \"x\" top: \"y\" SHARED }";
        Assert.Equal(new Shape(), SsdNets.Build(text.Replace("SHARED", "")).Nodes[^1].ParamShapes.Single());
        Assert.Equal(new Shape(5), SsdNets.Build(text.Replace("SHARED", "norm_param { channel_shared: false }")).Nodes[^1].ParamShapes.Single());
    }
}
