using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Upgrade;

/// <summary>
/// Caffe (since BVLC commit a19357a) keeps the three specs of an old BatchNorm layer, names
/// included, and sets their lr_mult and decay_mult to 0; an earlier version removed them.
/// </summary>
public class BatchNormUpgradeTests
{
    [Fact]
    public void ThreeParamSpecsAreZeroedAndKeepTheirNames()
    {
        var net = Net(BatchNorm(new ParamSpec { Name = "mean", LrMult = 1 }, new ParamSpec { DecayMult = 2 }, new ParamSpec()));

        var upgraded = NetUpgrader.Upgrade(net, "net.prototxt");

        Assert.Equal(
        [
            new ParamSpec { Name = "mean", LrMult = 0, DecayMult = 0 },
            new ParamSpec { LrMult = 0, DecayMult = 0 },
            new ParamSpec { LrMult = 0, DecayMult = 0 },
        ], upgraded.Layer[0].Param);
        Assert.False(NetUpgrader.NeedsUpgrade(upgraded));
    }

    [Fact]
    public void OtherCountsAndOtherTypesAreLeftAlone()
    {
        var twoSpecs = BatchNorm(new ParamSpec { LrMult = 1 }, new ParamSpec { LrMult = 1 });
        var scale = new LayerParameter { Name = "scale", Type = "Scale", Param = { new ParamSpec(), new ParamSpec(), new ParamSpec() } };
        var net = Net(twoSpecs, scale);

        Assert.False(NetUpgrader.NeedsUpgrade(net));
        Assert.Equal(net, NetUpgrader.Upgrade(net, "net.prototxt"));
    }

    [Fact]
    public void SpecsAlreadyZeroedNeedNoUpgrade()
    {
        // As in MobileNetV2 and most current files: param { lr_mult: 0 decay_mult: 0 } three times.
        var zero = new ParamSpec { LrMult = 0, DecayMult = 0 };
        var net = Net(BatchNorm(zero, zero.Clone(), zero.Clone()));

        Assert.False(NetUpgrader.NeedsUpgrade(net));
    }

    [Fact]
    public void SpecWithOnlyLrMultZeroStillGetsDecayMultZero()
    {
        var lrOnly = new ParamSpec { LrMult = 0 };
        var net = Net(BatchNorm(lrOnly, lrOnly.Clone(), lrOnly.Clone()));

        Assert.True(NetUpgrader.NeedsUpgrade(net));
        Assert.All(NetUpgrader.Upgrade(net, "net.prototxt").Layer[0].Param, spec => Assert.Equal(0f, spec.DecayMult));
    }

    static LayerParameter BatchNorm(params ParamSpec[] specs) =>
        new() { Name = "bn", Type = "BatchNorm", Bottom = { "x" }, Top = { "x" }, Param = { specs } };

    static NetParameter Net(params LayerParameter[] layers)
    {
        var net = new NetParameter();
        net.Layer.Add(layers);
        return net;
    }
}
