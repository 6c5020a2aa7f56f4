using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Upgrade;

/// <summary>
/// BVLC shipped the same CaffeNet deploy net in V0, V1 and V2 form; the V2 file is the independent
/// answer the upgraded V0 and V1 files must match, layer by layer.
/// </summary>
public class CaffeNetUpgradeTests
{
    static readonly NetParameter Reference = NetFiles.Prototxt("caffenet-v2", "deploy.prototxt");

    [Fact]
    public void V1DeployUpgradesToTheReferenceV2Net()
    {
        var upgraded = NetUpgrader.Upgrade(NetFiles.Prototxt("caffenet-v1", "deploy.prototxt"), "deploy.prototxt");

        AssertInputLayerAsReference(upgraded);
        // V1 deploy carries no training settings, so everything after the input layer is equal.
        Assert.Equal(Reference.Layer.Skip(1), upgraded.Layer.Skip(1));
        Assert.Equal("CaffeNet", upgraded.Name);
        Assert.Empty(upgraded.Layers);
    }

    [Fact]
    public void V0DeployUpgradesToTheReferenceV2NetPlusItsTrainingSettings()
    {
        var upgraded = NetUpgrader.Upgrade(NetFiles.Prototxt("caffenet-v0", "deploy.prototxt"), "imagenet_deploy.prototxt");

        AssertInputLayerAsReference(upgraded);
        Assert.Equal(Reference.Layer.Skip(1), upgraded.Layer.Skip(1).Select(WithoutTrainingSettings));
        Assert.Equal("CaffeNet", upgraded.Name);
    }

    [Fact]
    public void V0TrainingSettingsBecomeParamSpecsAndFillers()
    {
        var upgraded = NetUpgrader.Upgrade(NetFiles.Prototxt("caffenet-v0", "deploy.prototxt"), "deploy.prototxt");

        var conv1 = upgraded.Layer.Single(l => l.Name == "conv1");
        // The file: blobs_lr 1, 2; weight_decay 1, 0; gaussian std 0.01; constant 0.
        Assert.Equal([1f, 2f], conv1.Param.Select(p => p.LrMult));
        Assert.Equal([1f, 0f], conv1.Param.Select(p => p.DecayMult));
        Assert.Equal("gaussian", conv1.ConvolutionParam.WeightFiller.Type);
        Assert.Equal(0.01f, conv1.ConvolutionParam.WeightFiller.Std);
        Assert.Equal("constant", conv1.ConvolutionParam.BiasFiller.Type);
        Assert.True(conv1.ConvolutionParam.BiasFiller.HasValue);

        var fc6 = upgraded.Layer.Single(l => l.Name == "fc6");
        Assert.Equal(0.005f, fc6.InnerProductParam.WeightFiller.Std);
        Assert.Equal(1f, fc6.InnerProductParam.BiasFiller.Value);
        Assert.Empty(upgraded.Layer.Single(l => l.Name == "relu1").Param);
    }

    [Theory]
    [InlineData("caffenet-v0", true)]
    [InlineData("caffenet-v1", true)]
    [InlineData("caffenet-v2", false)]
    public void OnlyLegacyNetsNeedUpgrade(string folder, bool legacy)
    {
        var net = NetFiles.Prototxt(folder, "deploy.prototxt");

        Assert.Equal(legacy, NetUpgrader.NeedsUpgrade(net));
        Assert.False(NetUpgrader.NeedsUpgrade(NetUpgrader.Upgrade(net, "deploy.prototxt")));
    }

    [Theory]
    [InlineData("caffenet-v0")]
    [InlineData("caffenet-v1")]
    public void TheInputNetIsLeftUntouched(string folder)
    {
        var net = NetFiles.Prototxt(folder, "deploy.prototxt");
        var before = net.Clone();

        NetUpgrader.Upgrade(net, "deploy.prototxt");

        Assert.Equal(before, net);
    }

    /// <summary>The reference names its input layer "data"; Caffe's upgrade always names it "input".</summary>
    static void AssertInputLayerAsReference(NetParameter upgraded)
    {
        var input = upgraded.Layer[0];
        Assert.Equal("input", input.Name);
        Assert.Equal(Reference.Layer[0].Type, input.Type);
        Assert.Equal(Reference.Layer[0].Top, input.Top);
        Assert.Equal(Reference.Layer[0].InputParam, input.InputParam);
        Assert.Equal(Reference.Layer.Count, upgraded.Layer.Count);
        Assert.Empty(upgraded.Input);
        Assert.Empty(upgraded.InputDim);
    }

    static LayerParameter WithoutTrainingSettings(LayerParameter layer)
    {
        var copy = layer.Clone();
        copy.Param.Clear();
        if (copy.ConvolutionParam is { } conv)
            (conv.WeightFiller, conv.BiasFiller) = (null, null);
        if (copy.InnerProductParam is { } innerProduct)
            (innerProduct.WeightFiller, innerProduct.BiasFiller) = (null, null);
        return copy;
    }
}
