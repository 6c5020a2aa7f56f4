using CaffeNet.Import;
using CaffeNet.Import.Text;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Upgrade;

/// <summary>V0 nets built here field by field; expected values follow Caffe's upgrade_proto rules.</summary>
public class V0UpgradeTests
{
    // OpenCV reads this same net as the single layer conv1 giving a 10x10 output: pad 2 on an 8x8 input.
    [Fact]
    public void PaddingLayerFoldsIntoTheConvolutionItFeeds()
    {
        var net = TextFormat.Parse<NetParameter>("""
            name: "v0"
            input: "data"
            input_dim: 1 input_dim: 3 input_dim: 8 input_dim: 8
            layers { layer { name: "pad1" type: "padding" pad: 2 } bottom: "data" top: "pad1" }
            layers { layer { name: "conv1" type: "conv" num_output: 4 kernelsize: 3 } bottom: "pad1" top: "conv1" }
            """, "pad.prototxt");

        var upgraded = NetUpgrader.Upgrade(net, "pad.prototxt");

        Assert.Equal(["input", "conv1"], upgraded.Layer.Select(l => l.Name));
        var conv1 = upgraded.Layer[1];
        Assert.Equal(["data"], conv1.Bottom);
        Assert.Equal(["conv1"], conv1.Top);
        Assert.Equal(new ConvolutionParameter { NumOutput = 4, Pad = { 2 }, KernelSize = { 3 } }, conv1.ConvolutionParam);
    }

    [Fact]
    public void PaddingLayerFoldsIntoPoolingToo()
    {
        var net = V0Net(
            V0Layer("pad1", "padding", "data", "pad1", v => v.Pad = 1),
            V0Layer("pool1", "pool", "pad1", "pool1", v => (v.Kernelsize, v.Stride, v.Pool) = (3, 2, V0LayerParameter.Types.PoolMethod.Ave)));

        var pool1 = NetUpgrader.Upgrade(net, "net.prototxt").Layer[1];

        Assert.Equal("Pooling", pool1.Type);
        Assert.Equal(["data"], pool1.Bottom);
        Assert.Equal(new PoolingParameter { Pad = 1, KernelSize = 3, Stride = 2, Pool = PoolingParameter.Types.PoolMethod.Ave },
            pool1.PoolingParam);
    }

    [Fact]
    public void PaddingLayerFeedingAnotherTypeIsRefused()
    {
        var net = V0Net(
            V0Layer("pad1", "padding", "data", "pad1", v => v.Pad = 1),
            V0Layer("relu1", "relu", "pad1", "relu1"));

        var error = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "net.prototxt"));

        Assert.Equal("net.prototxt: layers[1] 'relu1': padding layer layers[0] 'pad1' feeds a layer of type 'relu'; " +
            "expected a conv or pool layer to take its pad", error.Message);
    }

    [Fact]
    public void PaddedConvolutionWithTwoBottomsIsRefused()
    {
        var net = V0Net(
            V0Layer("pad1", "padding", "data", "pad1", v => v.Pad = 1),
            V0Layer("conv1", "conv", "pad1", "conv1"));
        net.Layers[1].Bottom.Add("data");

        var error = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "net.prototxt"));

        Assert.Equal("net.prototxt: layers[1] 'conv1': takes padding from layers[0] 'pad1' but has 2 bottoms; expected 1",
            error.Message);
    }

    [Fact]
    public void BottomThatNothingProducesIsRefused()
    {
        var net = V0Net(V0Layer("conv1", "conv", "image", "conv1"));

        var error = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "net.prototxt"));

        Assert.Equal("net.prototxt: layers[0] 'conv1': bottom 'image' is not an input and no earlier layer produces it",
            error.Message);
    }

    [Fact]
    public void UnknownV0TypeIsRefusedWithTheKnownOnes()
    {
        var net = V0Net(V0Layer("conv1", "convolution", "data", "conv1"));

        var error = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "old.prototxt"));

        Assert.Equal("old.prototxt: layers[0] 'conv1': unknown V0 layer type 'convolution'; expected one of " +
            "accuracy, bnll, concat, conv, data, dropout, euclidean_loss, flatten, hdf5_data, hdf5_output, im2col, " +
            "images, infogain_loss, innerproduct, lrn, multinomial_logistic_loss, pool, relu, sigmoid, softmax, " +
            "softmax_loss, split, tanh, window_data", error.Message);
    }

    [Fact]
    public void DataLayerFieldsSplitIntoDataAndTransformParams()
    {
        var net = V0Net(V0Layer("data", "data", null, "data", v =>
        {
            (v.Source, v.Batchsize, v.RandSkip) = ("train_leveldb", 256, 10);
            (v.Scale, v.Meanfile, v.Cropsize, v.Mirror) = (0.5f, "mean.binaryproto", 227, true);
        }));

        var data = NetUpgrader.Upgrade(net, "net.prototxt").Layer[1];

        Assert.Equal("Data", data.Type);
        Assert.Equal(new DataParameter { Source = "train_leveldb", BatchSize = 256, RandSkip = 10 }, data.DataParam);
        Assert.Equal(new TransformationParameter { Scale = 0.5f, MeanFile = "mean.binaryproto", CropSize = 227, Mirror = true },
            data.TransformParam);
    }

    [Fact]
    public void ImagesLayerFieldsGoToImageDataParam()
    {
        var net = V0Net(V0Layer("images", "images", null, "data", v =>
        {
            (v.Source, v.Batchsize, v.RandSkip, v.ShuffleImages) = ("list.txt", 50, 3, true);
            (v.NewHeight, v.NewWidth, v.Mirror) = (256, 320, true);
        }));

        var images = NetUpgrader.Upgrade(net, "net.prototxt").Layer[1];

        Assert.Equal("ImageData", images.Type);
        Assert.Equal(new ImageDataParameter
        {
            Source = "list.txt", BatchSize = 50, RandSkip = 3, Shuffle = true, NewHeight = 256, NewWidth = 320,
        }, images.ImageDataParam);
        Assert.Equal(new TransformationParameter { Mirror = true }, images.TransformParam);
    }

    [Fact]
    public void WindowDataDetectionFieldsGoToWindowDataParam()
    {
        var net = V0Net(V0Layer("windows", "window_data", null, "data", v =>
        {
            (v.Source, v.Batchsize, v.DetFgThreshold, v.DetBgThreshold) = ("windows.txt", 128, 0.6f, 0.4f);
            (v.DetFgFraction, v.DetContextPad, v.DetCropMode) = (0.3f, 16, "square");
        }));

        var windows = NetUpgrader.Upgrade(net, "net.prototxt").Layer[1];

        Assert.Equal("WindowData", windows.Type);
        Assert.Equal(new WindowDataParameter
        {
            Source = "windows.txt", BatchSize = 128, FgThreshold = 0.6f, BgThreshold = 0.4f, FgFraction = 0.3f,
            ContextPad = 16, CropMode = "square",
        }, windows.WindowDataParam);
        Assert.Null(windows.TransformParam);
    }

    [Fact]
    public void OtherTypedFieldsGoToTheirParams()
    {
        var net = V0Net(
            V0Layer("norm", "lrn", "data", "norm", v => (v.LocalSize, v.Alpha, v.Beta, v.K) = (3, 0.5f, 0.25f, 2f)),
            V0Layer("drop", "dropout", "norm", "norm", v => v.DropoutRatio = 0.3f),
            V0Layer("cat", "concat", "norm", "cat", v => v.ConcatDim = 2),
            V0Layer("ip", "innerproduct", "cat", "ip", v => (v.NumOutput, v.Biasterm) = (10, false)),
            V0Layer("out", "hdf5_output", "ip", null, v => v.Hdf5OutputParam = new HDF5OutputParameter { FileName = "out.h5" }),
            V0Layer("gain", "infogain_loss", "ip", null, v => v.Source = "gain.binaryproto"));

        var layers = NetUpgrader.Upgrade(net, "net.prototxt").Layer.ToDictionary(l => l.Name);

        Assert.Equal(new LRNParameter { LocalSize = 3, Alpha = 0.5f, Beta = 0.25f, K = 2f }, layers["norm"].LrnParam);
        Assert.Equal(new DropoutParameter { DropoutRatio = 0.3f }, layers["drop"].DropoutParam);
        Assert.Equal(new ConcatParameter { ConcatDim = 2 }, layers["cat"].ConcatParam);
        Assert.Equal(new InnerProductParameter { NumOutput = 10, BiasTerm = false }, layers["ip"].InnerProductParam);
        Assert.Equal("out.h5", layers["out"].Hdf5OutputParam.FileName);
        Assert.Equal("gain.binaryproto", layers["gain"].InfogainLossParam.Source);
        Assert.Equal(["Input", "LRN", "Dropout", "Concat", "InnerProduct", "HDF5Output", "InfogainLoss"],
            layers.Values.Select(l => l.Type));
    }

    [Fact]
    public void FieldTheTypeLacksIsDroppedWithAWarning()
    {
        var net = V0Net(V0Layer("pool1", "pool", "data", "pool1", v => (v.Kernelsize, v.Group) = (2, 2)));
        var warnings = new List<string>();

        var pool1 = NetUpgrader.Upgrade(net, "net.prototxt", warnings.Add).Layer[1];

        Assert.Equal(["net.prototxt: layers[0] 'pool1': V0 field 'group' does not apply to type 'pool'; dropped, as Caffe does"],
            warnings);
        Assert.Equal(new PoolingParameter { KernelSize = 2 }, pool1.PoolingParam);
    }

    [Fact]
    public void BlobsAndLearningRatesCarryOver()
    {
        var weights = new BlobProto { Num = 2, Channels = 3, Height = 1, Width = 1, Data = { 1, 2, 3, 4, 5, 6 } };
        var bias = new BlobProto { Num = 1, Channels = 1, Height = 1, Width = 2, Data = { -1, 1 } };
        var net = V0Net(V0Layer("ip", "innerproduct", "data", "ip", v =>
        {
            v.NumOutput = 2;
            v.Blobs.Add([weights, bias]);
            v.BlobsLr.Add([1, 2]);
            v.WeightDecay.Add([1, 0]);
        }));

        var ip = NetUpgrader.Upgrade(net, "net.caffemodel").Layer[1];

        Assert.Equal([weights, bias], ip.Blobs);
        Assert.Equal([new ParamSpec { LrMult = 1, DecayMult = 1 }, new ParamSpec { LrMult = 2, DecayMult = 0 }], ip.Param);
    }

    [Fact]
    public void OnlyNameInputsAndForceBackwardSurviveAtTheTop()
    {
        var net = V0Net(V0Layer("relu", "relu", "data", "data"));
        net.ForceBackward = true;
        net.DebugInfo = true;

        var upgraded = NetUpgrader.Upgrade(net, "net.prototxt");

        Assert.Equal("v0", upgraded.Name);
        Assert.True(upgraded.HasForceBackward);
        Assert.False(upgraded.HasDebugInfo);
    }

    /// <summary>A V0 net reading a 1x3x8x8 "data" input.</summary>
    static NetParameter V0Net(params V1LayerParameter[] layers)
    {
        var net = new NetParameter { Name = "v0", Input = { "data" }, InputDim = { 1, 3, 8, 8 } };
        net.Layers.Add(layers);
        return net;
    }

    static V1LayerParameter V0Layer(string name, string type, string? bottom, string? top,
        Action<V0LayerParameter>? set = null)
    {
        var v0 = new V0LayerParameter { Name = name, Type = type };
        set?.Invoke(v0);
        var layer = new V1LayerParameter { Layer = v0 };
        if (bottom is not null)
            layer.Bottom.Add(bottom);
        if (top is not null)
            layer.Top.Add(top);
        return layer;
    }
}
