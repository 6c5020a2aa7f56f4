using CaffeNet.Import.Text;
using CaffeNet.Proto;

namespace CaffeNet.Import.Upgrade;

/// <summary>Turns one V0 layer (`layers { layer { type: "conv" ... } bottom: ... }`) into a V1 layer.</summary>
internal static class V0LayerConverter
{
    public static V1LayerParameter Convert(V1LayerParameter connection, int index, UpgradeContext context)
    {
        var upgraded = new V1LayerParameter();
        upgraded.Bottom.Add(connection.Bottom);
        upgraded.Top.Add(connection.Top);
        if (connection.Layer is not { } v0)
            return upgraded;

        var where = UpgradeContext.Layer("layers", index, v0.Name);
        if (v0.HasName)
            upgraded.Name = v0.Name;
        if (v0.HasType)
            upgraded.Type = V0LayerTypes.TryGet(v0.Type, out var type)
                ? type
                : throw context.Error(where, $"unknown V0 layer type {Excerpt.Quote(v0.Type, '\'')}; expected one of {V0LayerTypes.Known}");
        upgraded.Blobs.Add(v0.Blobs);
        upgraded.BlobsLr.Add(v0.BlobsLr);
        upgraded.WeightDecay.Add(v0.WeightDecay);

        if (v0.HasPool && !V0Settings.IsKnown(v0.Pool))
        {
            context.Warn(where, $"unknown pool method {(int)v0.Pool}; dropped, as Caffe does");
            v0.ClearPool();
        }
        foreach (var setting in V0Settings.All)
        {
            if (setting.IsSet(v0) && !setting.TryMove(v0, upgraded))
                context.Warn(where, $"V0 field {Excerpt.Name(setting.Name)} does not apply to type {Excerpt.Quote(v0.Type, '\'')}; dropped, as Caffe does");
        }
        return upgraded;
    }
}
