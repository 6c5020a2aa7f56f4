using CaffeNet.Import;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;
using Google.Protobuf;
using LayerType = CaffeNet.Proto.V1LayerParameter.Types.LayerType;

namespace CaffeNet.Tests.Import.Upgrade;

/// <summary>V1 nets built here; expected values follow Caffe's upgrade_proto rules.</summary>
public class V1UpgradeTests
{
    // The whole V1 type table of Caffe's UpgradeV1LayerType.
    [Theory]
    [InlineData(LayerType.None, "")]
    [InlineData(LayerType.Absval, "AbsVal")]
    [InlineData(LayerType.Accuracy, "Accuracy")]
    [InlineData(LayerType.Argmax, "ArgMax")]
    [InlineData(LayerType.Bnll, "BNLL")]
    [InlineData(LayerType.Concat, "Concat")]
    [InlineData(LayerType.ContrastiveLoss, "ContrastiveLoss")]
    [InlineData(LayerType.Convolution, "Convolution")]
    [InlineData(LayerType.Deconvolution, "Deconvolution")]
    [InlineData(LayerType.Data, "Data")]
    [InlineData(LayerType.Dropout, "Dropout")]
    [InlineData(LayerType.DummyData, "DummyData")]
    [InlineData(LayerType.EuclideanLoss, "EuclideanLoss")]
    [InlineData(LayerType.Eltwise, "Eltwise")]
    [InlineData(LayerType.Exp, "Exp")]
    [InlineData(LayerType.Flatten, "Flatten")]
    [InlineData(LayerType.Hdf5Data, "HDF5Data")]
    [InlineData(LayerType.Hdf5Output, "HDF5Output")]
    [InlineData(LayerType.HingeLoss, "HingeLoss")]
    [InlineData(LayerType.Im2Col, "Im2col")]
    [InlineData(LayerType.ImageData, "ImageData")]
    [InlineData(LayerType.InfogainLoss, "InfogainLoss")]
    [InlineData(LayerType.InnerProduct, "InnerProduct")]
    [InlineData(LayerType.Lrn, "LRN")]
    [InlineData(LayerType.MemoryData, "MemoryData")]
    [InlineData(LayerType.MultinomialLogisticLoss, "MultinomialLogisticLoss")]
    [InlineData(LayerType.Mvn, "MVN")]
    [InlineData(LayerType.Pooling, "Pooling")]
    [InlineData(LayerType.Power, "Power")]
    [InlineData(LayerType.Relu, "ReLU")]
    [InlineData(LayerType.Sigmoid, "Sigmoid")]
    [InlineData(LayerType.SigmoidCrossEntropyLoss, "SigmoidCrossEntropyLoss")]
    [InlineData(LayerType.Silence, "Silence")]
    [InlineData(LayerType.Softmax, "Softmax")]
    [InlineData(LayerType.SoftmaxLoss, "SoftmaxWithLoss")]
    [InlineData(LayerType.Split, "Split")]
    [InlineData(LayerType.Slice, "Slice")]
    [InlineData(LayerType.Tanh, "TanH")]
    [InlineData(LayerType.WindowData, "WindowData")]
    [InlineData(LayerType.Threshold, "Threshold")]
    public void LayerTypeEnumBecomesItsString(LayerType v1Type, string v2Type)
    {
        var layer = UpgradeOne(new V1LayerParameter { Name = "l", Type = v1Type });

        Assert.True(layer.HasType);
        Assert.Equal(v2Type, layer.Type);
    }

    [Fact]
    public void EveryEnumValueOfTheSchemaIsCovered()
    {
        // NONE and 39 layer types in Caffe's V1LayerParameter.LayerType; all must upgrade.
        var values = Enum.GetValues<LayerType>();
        Assert.Equal(40, values.Length);
        Assert.All(values, type => UpgradeOne(new V1LayerParameter { Type = type }));
    }

    [Fact]
    public void UnknownLayerTypeNumberIsRefused()
    {
        var net = V1Net(new V1LayerParameter { Name = "mystery", Type = (LayerType)99 });

        var error = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "model.caffemodel"));

        Assert.Equal("model.caffemodel: layers[0] 'mystery': unknown V1 layer type 99", error.Message);
    }

    // Caffe's UpgradeV1LayerParameter copies exactly these.
    [Theory]
    [InlineData("accuracy_param")]
    [InlineData("argmax_param")]
    [InlineData("concat_param")]
    [InlineData("contrastive_loss_param")]
    [InlineData("convolution_param")]
    [InlineData("data_param")]
    [InlineData("dropout_param")]
    [InlineData("dummy_data_param")]
    [InlineData("eltwise_param")]
    [InlineData("exp_param")]
    [InlineData("hdf5_data_param")]
    [InlineData("hdf5_output_param")]
    [InlineData("hinge_loss_param")]
    [InlineData("image_data_param")]
    [InlineData("infogain_loss_param")]
    [InlineData("inner_product_param")]
    [InlineData("lrn_param")]
    [InlineData("memory_data_param")]
    [InlineData("mvn_param")]
    [InlineData("pooling_param")]
    [InlineData("power_param")]
    [InlineData("relu_param")]
    [InlineData("sigmoid_param")]
    [InlineData("softmax_param")]
    [InlineData("slice_param")]
    [InlineData("tanh_param")]
    [InlineData("threshold_param")]
    [InlineData("window_data_param")]
    [InlineData("transform_param")]
    [InlineData("loss_param")]
    public void TypedParamIsCarriedOverWhole(string field)
    {
        var from = V1LayerParameter.Descriptor.FindFieldByName(field);
        var value = from.MessageType.Parser.ParseFrom(ByteString.Empty);
        var v1 = new V1LayerParameter { Name = "l", Type = LayerType.Relu };
        from.Accessor.SetValue(v1, value);

        var layer = UpgradeOne(v1);

        var to = LayerParameter.Descriptor.FindFieldByName(field);
        Assert.Equal(value, to.Accessor.GetValue(layer));
        var set = LayerParameter.Descriptor.Fields.InDeclarationOrder().Where(f => !f.IsRepeated && f.Accessor.HasValue(layer)).Select(f => f.Name);
        Assert.Equal(new[] { "name", "type", field }.Order(), set.Order());
    }

    [Fact]
    public void ConvolutionSettingsSurviveUnchanged()
    {
        var conv = new ConvolutionParameter { NumOutput = 8, KernelSize = { 3 }, Pad = { 1 }, Stride = { 2 }, Group = 2, BiasTerm = false };
        var layer = UpgradeOne(new V1LayerParameter { Name = "conv", Type = LayerType.Convolution, ConvolutionParam = conv.Clone() });

        Assert.Equal(conv, layer.ConvolutionParam);
    }

    [Fact]
    public void NamesShareModesRatesAndDecaysBecomeOneParamSpecPerBlob()
    {
        var v1 = new V1LayerParameter
        {
            Name = "ip", Type = LayerType.InnerProduct,
            Param = { "w", "b" },
            BlobShareMode = { V1LayerParameter.Types.DimCheckMode.Permissive },
            BlobsLr = { 1, 2, 3 },
            WeightDecay = { 0.5f },
        };

        var specs = UpgradeOne(v1).Param;

        Assert.Equal(
        [
            new ParamSpec { Name = "w", ShareMode = ParamSpec.Types.DimCheckMode.Permissive, LrMult = 1, DecayMult = 0.5f },
            new ParamSpec { Name = "b", LrMult = 2 },
            new ParamSpec { LrMult = 3 },
        ], specs);
        Assert.False(specs[1].HasDecayMult);
        Assert.False(specs[2].HasName);
    }

    [Fact]
    public void UnknownShareModeIsRefused()
    {
        var net = V1Net(new V1LayerParameter
        {
            Name = "ip", Type = LayerType.InnerProduct, BlobShareMode = { (V1LayerParameter.Types.DimCheckMode)7 },
        });

        var error = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "net.caffemodel"));

        Assert.Equal("net.caffemodel: layers[0] 'ip': unknown blob_share_mode 7; expected STRICT or PERMISSIVE", error.Message);
    }

    [Fact]
    public void RulesLossWeightsAndBlobsCarryOver()
    {
        var train = new NetStateRule { Phase = Phase.Train };
        var stage = new NetStateRule { Stage = { "deploy" } };
        var blob = new BlobProto { Shape = new BlobShape { Dim = { 2 } }, Data = { 0.25f, -4 } };
        var v1 = new V1LayerParameter
        {
            Name = "loss", Type = LayerType.SoftmaxLoss, Bottom = { "ip", "label" }, Top = { "loss" },
            Include = { train }, Exclude = { stage }, LossWeight = { 0.3f }, Blobs = { blob },
        };

        var layer = UpgradeOne(v1);

        Assert.Equal(["ip", "label"], layer.Bottom);
        Assert.Equal(["loss"], layer.Top);
        Assert.Equal([train], layer.Include);
        Assert.Equal([stage], layer.Exclude);
        Assert.Equal([0.3f], layer.LossWeight);
        Assert.Equal([blob], layer.Blobs);
    }

    [Fact]
    public void NetWithBothLayerFormsIsRefused()
    {
        var net = V1Net(new V1LayerParameter { Name = "old", Type = LayerType.Relu });
        net.Layer.Add(new LayerParameter { Name = "new", Type = "ReLU" });

        var error = Assert.Throws<CaffeFormatException>(() => NetUpgrader.Upgrade(net, "mixed.prototxt"));

        Assert.Equal("mixed.prototxt: net: has both 'layer' (1) and legacy 'layers' (1) entries; expected one form only: " +
            "rewrite the 'layers { type: ENUM }' entries as 'layer { type: \"Name\" }'", error.Message);
    }

    [Fact]
    public void TransformFieldsInDataParamMoveToTransformParam()
    {
        var v1 = new V1LayerParameter
        {
            Name = "mnist", Type = LayerType.Data,
            DataParam = new DataParameter { Source = "db", Scale = 0.00390625f, MeanFile = "mean.binaryproto", CropSize = 24, Mirror = true },
        };
        var plain = new V1LayerParameter { Name = "plain", Type = LayerType.Data };

        var upgraded = NetUpgrader.Upgrade(V1Net(v1, plain), "net.prototxt");

        var mnist = upgraded.Layer[0];
        Assert.Equal(new DataParameter { Source = "db" }, mnist.DataParam);
        Assert.Equal(new TransformationParameter { Scale = 0.00390625f, MeanFile = "mean.binaryproto", CropSize = 24, Mirror = true },
            mnist.TransformParam);
        // Caffe's upgrade gives every data layer both messages, empty if there was nothing to move.
        Assert.Equal(new DataParameter(), upgraded.Layer[1].DataParam);
        Assert.Equal(new TransformationParameter(), upgraded.Layer[1].TransformParam);
    }

    [Fact]
    public void TransformFieldsInImageAndWindowDataParamsMoveToo()
    {
        var images = new V1LayerParameter
        {
            Name = "images", Type = LayerType.ImageData,
            ImageDataParam = new ImageDataParameter { Source = "list.txt", Mirror = true, CropSize = 32 },
        };
        var windows = new V1LayerParameter
        {
            Name = "windows", Type = LayerType.WindowData,
            WindowDataParam = new WindowDataParameter { Source = "windows.txt", Scale = 2 },
        };

        var upgraded = NetUpgrader.Upgrade(V1Net(images, windows), "net.prototxt");

        Assert.Equal(new ImageDataParameter { Source = "list.txt" }, upgraded.Layer[0].ImageDataParam);
        Assert.Equal(new TransformationParameter { Mirror = true, CropSize = 32 }, upgraded.Layer[0].TransformParam);
        Assert.Equal(new WindowDataParameter { Source = "windows.txt" }, upgraded.Layer[1].WindowDataParam);
        Assert.Equal(new TransformationParameter { Scale = 2 }, upgraded.Layer[1].TransformParam);
    }

    [Fact]
    public void TransformFieldsOfCurrentLayersAreLeftAsCaffeLeavesThem()
    {
        var net = new NetParameter();
        net.Layer.Add(new LayerParameter { Name = "data", Type = "Data", DataParam = new DataParameter { Scale = 0.5f } });

        Assert.False(NetUpgrader.NeedsUpgrade(net));
        Assert.Equal(net, NetUpgrader.Upgrade(net, "net.prototxt"));
    }

    static LayerParameter UpgradeOne(V1LayerParameter v1) => NetUpgrader.Upgrade(V1Net(v1), "net.prototxt").Layer.Single();

    static NetParameter V1Net(params V1LayerParameter[] layers)
    {
        var net = new NetParameter { Name = "v1" };
        net.Layers.Add(layers);
        return net;
    }
}
