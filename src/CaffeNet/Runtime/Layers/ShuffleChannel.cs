using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// ShuffleChannel (ShuffleNet's fork): the channels, seen as a group x (C / group) matrix, are
/// transposed, so that the next grouped convolution sees a channel from every group.
/// </summary>
sealed class ShuffleChannelDefinition : LayerDefinition
{
    public override string Type => "ShuffleChannel";

    public override ILayer Create(Node node, IReadOnlyList<Tensor> blobs) =>
        new ShuffleChannelLayer(LayerFactory.Attributes<ShuffleChannelAttributes>(node).Group);

    public override LayerShapes Infer(LayerContext c)
    {
        c.Bottoms(1);
        c.Tops(1);
        // The fork copies channel blocks straight into the top, which in place would overwrite its own input.
        c.NotInPlace();
        var input = c.Input;
        c.Rank(input, 4, "(N, C, H, W) input");
        uint group = c.Layer.ShuffleChannelParam?.Group ?? 1;
        if (group == 0) throw c.Error("group must be greater than 0");
        if (input.Dim(1) is { } channels && channels % group != 0)
            throw c.Error($"group {group} does not divide the {channels} channels");
        return new LayerShapes([input]) { Attributes = new ShuffleChannelAttributes(checked((int)group)) };
    }
}

sealed record ShuffleChannelAttributes(int Group) : LayerAttributes;

sealed class ShuffleChannelLayer(int group) : ILayer
{
    public void Forward(ReadOnlySpan<Tensor> inputs, ReadOnlySpan<Tensor> outputs) =>
        Kernels.ShuffleChannel.Forward(inputs[0], group, outputs[0]);
}
