using CaffeNet.Proto;

namespace CaffeNet.Import.Upgrade;

/// <summary>V0 nets: a `layer {}` with flat fields inside each `layers {}` entry.</summary>
internal sealed class V0ToV1Step : IUpgradeStep
{
    public bool IsNeeded(NetParameter net) => net.Layers.Any(l => l.Layer is not null);

    public NetParameter Apply(NetParameter net, UpgradeContext context)
    {
        var folded = V0PaddingFolder.Fold(net, context);

        // A V0 net had nothing else at the top level; Caffe keeps exactly these fields.
        var upgraded = new NetParameter();
        if (net.HasName)
            upgraded.Name = net.Name;
        upgraded.Layers.Add(folded.Select(f => V0LayerConverter.Convert(f.Layer, f.Index, context)));
        upgraded.Input.Add(net.Input);
        upgraded.InputDim.Add(net.InputDim);
        if (net.HasForceBackward)
            upgraded.ForceBackward = net.ForceBackward;
        return upgraded;
    }
}
