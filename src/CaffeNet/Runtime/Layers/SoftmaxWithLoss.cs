using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// SoftmaxWithLoss at test time: the loss top, and the probabilities in the optional second top
/// (or in scratch space of the scores' size when there is none).
/// </summary>
sealed class SoftmaxWithLossLayer(Node node) : ILayer
{
    readonly SoftmaxWithLossParams _p = Params(node);

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs)
    {
        var probabilities = outputs.Length > 1 ? outputs[1] : new Tensor(inputs[0].Shape);
        Kernels.SoftmaxWithLoss.Forward(inputs[0], inputs[1], _p, outputs[0], probabilities);
    }

    static SoftmaxWithLossParams Params(Node node)
    {
        var loss = node.Layer.LossParam ?? new LossParameter();
        return new SoftmaxWithLossParams(
            LayerFactory.Attributes<AxisAttributes>(node).Axis,
            loss.HasIgnoreLabel ? loss.IgnoreLabel : null,
            Normalization(loss));
    }

    /// <summary>The loss layers' normaliser; the legacy `normalize` flag counts only when `normalization` is not given.</summary>
    internal static LossNormalization Normalization(LossParameter loss)
    {
        var mode = !loss.HasNormalization && loss.HasNormalize
            ? (loss.Normalize ? LossParameter.Types.NormalizationMode.Valid : LossParameter.Types.NormalizationMode.BatchSize)
            : loss.Normalization;
        return mode switch
        {
            LossParameter.Types.NormalizationMode.Full => LossNormalization.Full,
            LossParameter.Types.NormalizationMode.BatchSize => LossNormalization.BatchSize,
            LossParameter.Types.NormalizationMode.None => LossNormalization.None,
            _ => LossNormalization.Valid,
        };
    }
}
