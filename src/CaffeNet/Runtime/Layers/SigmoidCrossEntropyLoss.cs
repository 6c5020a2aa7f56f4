using CaffeNet.Graph;
using CaffeNet.Proto;
using CaffeNet.Runtime.Kernels;

namespace CaffeNet.Runtime.Layers;

sealed class SigmoidCrossEntropyLossLayer(Node node) : ILayer
{
    readonly SigmoidCrossEntropyLossParams _p = Params(node.Layer.LossParam ?? new LossParameter());

    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.SigmoidCrossEntropyLoss.Forward(inputs[0], inputs[1], _p, outputs[0]);

    static SigmoidCrossEntropyLossParams Params(LossParameter loss) =>
        new(loss.HasIgnoreLabel ? loss.IgnoreLabel : null, SoftmaxWithLossLayer.Normalization(loss));
}
