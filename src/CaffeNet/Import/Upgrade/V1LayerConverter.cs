using CaffeNet.Proto;
using Google.Protobuf.Reflection;
using ShareMode = CaffeNet.Proto.ParamSpec.Types.DimCheckMode;
using V1ShareMode = CaffeNet.Proto.V1LayerParameter.Types.DimCheckMode;

namespace CaffeNet.Import.Upgrade;

/// <summary>Turns one V1 layer (`layers { type: CONVOLUTION ... }`) into a current `layer {}`.</summary>
internal static class V1LayerConverter
{
    /// <summary>
    /// Every *_param of V1 has a field of the same name and type in LayerParameter; each is carried
    /// over whole. Pairing them by name keeps this list from drifting from the schema.
    /// </summary>
    static readonly (FieldDescriptor From, FieldDescriptor To)[] ParamFields =
        V1LayerParameter.Descriptor.Fields.InFieldNumberOrder()
            .Where(f => f.FieldType == FieldType.Message && f.Name.EndsWith("_param", StringComparison.Ordinal))
            .Select(f => (f, LayerParameter.Descriptor.FindFieldByName(f.Name)))
            .ToArray();

    public static LayerParameter Convert(V1LayerParameter v1, int index, UpgradeContext context)
    {
        var where = UpgradeContext.Layer("layers", index, v1.Name);
        var layer = new LayerParameter();
        layer.Bottom.Add(v1.Bottom);
        layer.Top.Add(v1.Top);
        if (v1.HasName)
            layer.Name = v1.Name;
        layer.Include.Add(v1.Include);
        layer.Exclude.Add(v1.Exclude);
        if (v1.HasType)
            layer.Type = V1LayerTypes.TryGet(v1.Type, out var type)
                ? type
                : throw context.Error(where, $"unknown V1 layer type {(int)v1.Type}");
        layer.Blobs.Add(v1.Blobs);
        layer.Param.Add(ParamSpecs(v1, where, context));
        layer.LossWeight.Add(v1.LossWeight);

        foreach (var (from, to) in ParamFields)
        {
            if (from.Accessor.HasValue(v1))
                to.Accessor.SetValue(layer, from.Accessor.GetValue(v1));
        }
        return layer;
    }

    /// <summary>V1 kept one list per setting (param names, share modes, blobs_lr, weight_decay); V2 one ParamSpec per blob.</summary>
    static List<ParamSpec> ParamSpecs(V1LayerParameter v1, string where, UpgradeContext context)
    {
        var count = Math.Max(Math.Max(v1.Param.Count, v1.BlobShareMode.Count), Math.Max(v1.BlobsLr.Count, v1.WeightDecay.Count));
        var specs = Enumerable.Range(0, count).Select(_ => new ParamSpec()).ToList();
        for (var i = 0; i < v1.Param.Count; i++)
            specs[i].Name = v1.Param[i];
        for (var i = 0; i < v1.BlobShareMode.Count; i++)
            specs[i].ShareMode = v1.BlobShareMode[i] switch
            {
                V1ShareMode.Strict => ShareMode.Strict,
                V1ShareMode.Permissive => ShareMode.Permissive,
                var mode => throw context.Error(where, $"unknown blob_share_mode {(int)mode}; expected STRICT or PERMISSIVE"),
            };
        for (var i = 0; i < v1.BlobsLr.Count; i++)
            specs[i].LrMult = v1.BlobsLr[i];
        for (var i = 0; i < v1.WeightDecay.Count; i++)
            specs[i].DecayMult = v1.WeightDecay[i];
        return specs;
    }
}
