using CaffeNet.Proto;

namespace CaffeNet.Import.Upgrade;

/// <summary>V1 nets: `layers { type: ENUM }` entries become `layer { type: "String" }`.</summary>
internal sealed class V1ToV2Step : IUpgradeStep
{
    public bool IsNeeded(NetParameter net) => net.Layers.Count > 0;

    public NetParameter Apply(NetParameter net, UpgradeContext context)
    {
        if (net.Layer.Count > 0)
            throw context.Error("net",
                $"has both 'layer' ({net.Layer.Count}) and legacy 'layers' ({net.Layers.Count}) entries; " +
                "expected one form only: rewrite the 'layers { type: ENUM }' entries as 'layer { type: \"Name\" }'");

        var layers = net.Layers.Select((v1, i) => V1LayerConverter.Convert(v1, i, context)).ToList();
        net.Layers.Clear();
        net.Layer.Add(layers);
        return net;
    }
}
