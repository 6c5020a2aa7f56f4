using LayerType = CaffeNet.Proto.V1LayerParameter.Types.LayerType;

namespace CaffeNet.Import.Upgrade;

/// <summary>The V1 layer type enum and the type strings of the current format.</summary>
internal static class V1LayerTypes
{
    static readonly Dictionary<LayerType, string> ToV2 = new()
    {
        [LayerType.None] = "",
        [LayerType.Absval] = "AbsVal",
        [LayerType.Accuracy] = "Accuracy",
        [LayerType.Argmax] = "ArgMax",
        [LayerType.Bnll] = "BNLL",
        [LayerType.Concat] = "Concat",
        [LayerType.ContrastiveLoss] = "ContrastiveLoss",
        [LayerType.Convolution] = "Convolution",
        [LayerType.Deconvolution] = "Deconvolution",
        [LayerType.Data] = "Data",
        [LayerType.Dropout] = "Dropout",
        [LayerType.DummyData] = "DummyData",
        [LayerType.EuclideanLoss] = "EuclideanLoss",
        [LayerType.Eltwise] = "Eltwise",
        [LayerType.Exp] = "Exp",
        [LayerType.Flatten] = "Flatten",
        [LayerType.Hdf5Data] = "HDF5Data",
        [LayerType.Hdf5Output] = "HDF5Output",
        [LayerType.HingeLoss] = "HingeLoss",
        [LayerType.Im2Col] = "Im2col",
        [LayerType.ImageData] = "ImageData",
        [LayerType.InfogainLoss] = "InfogainLoss",
        [LayerType.InnerProduct] = "InnerProduct",
        [LayerType.Lrn] = "LRN",
        [LayerType.MemoryData] = "MemoryData",
        [LayerType.MultinomialLogisticLoss] = "MultinomialLogisticLoss",
        [LayerType.Mvn] = "MVN",
        [LayerType.Pooling] = "Pooling",
        [LayerType.Power] = "Power",
        [LayerType.Relu] = "ReLU",
        [LayerType.Sigmoid] = "Sigmoid",
        [LayerType.SigmoidCrossEntropyLoss] = "SigmoidCrossEntropyLoss",
        [LayerType.Silence] = "Silence",
        [LayerType.Softmax] = "Softmax",
        [LayerType.SoftmaxLoss] = "SoftmaxWithLoss",
        [LayerType.Split] = "Split",
        [LayerType.Slice] = "Slice",
        [LayerType.Tanh] = "TanH",
        [LayerType.WindowData] = "WindowData",
        [LayerType.Threshold] = "Threshold",
    };

    public static bool TryGet(LayerType v1Type, out string v2Type) => ToV2.TryGetValue(v1Type, out v2Type!);
}
