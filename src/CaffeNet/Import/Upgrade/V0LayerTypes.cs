using CaffeNet.Proto;
using LayerType = CaffeNet.Proto.V1LayerParameter.Types.LayerType;

namespace CaffeNet.Import.Upgrade;

/// <summary>The lower-case type strings of V0 nets and the V1 layer types they became.</summary>
internal static class V0LayerTypes
{
    static readonly Dictionary<string, LayerType> ToV1 = new()
    {
        ["accuracy"] = LayerType.Accuracy,
        ["bnll"] = LayerType.Bnll,
        ["concat"] = LayerType.Concat,
        ["conv"] = LayerType.Convolution,
        ["data"] = LayerType.Data,
        ["dropout"] = LayerType.Dropout,
        ["euclidean_loss"] = LayerType.EuclideanLoss,
        ["flatten"] = LayerType.Flatten,
        ["hdf5_data"] = LayerType.Hdf5Data,
        ["hdf5_output"] = LayerType.Hdf5Output,
        ["im2col"] = LayerType.Im2Col,
        ["images"] = LayerType.ImageData,
        ["infogain_loss"] = LayerType.InfogainLoss,
        ["innerproduct"] = LayerType.InnerProduct,
        ["lrn"] = LayerType.Lrn,
        ["multinomial_logistic_loss"] = LayerType.MultinomialLogisticLoss,
        ["pool"] = LayerType.Pooling,
        ["relu"] = LayerType.Relu,
        ["sigmoid"] = LayerType.Sigmoid,
        ["softmax"] = LayerType.Softmax,
        ["softmax_loss"] = LayerType.SoftmaxLoss,
        ["split"] = LayerType.Split,
        ["tanh"] = LayerType.Tanh,
        ["window_data"] = LayerType.WindowData,
    };

    public static bool TryGet(string v0Type, out LayerType v1Type) => ToV1.TryGetValue(v0Type, out v1Type);

    public static string Known => string.Join(", ", ToV1.Keys.Order(StringComparer.Ordinal));
}
