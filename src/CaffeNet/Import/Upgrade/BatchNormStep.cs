using CaffeNet.Proto;

namespace CaffeNet.Import.Upgrade;

/// <summary>
/// Old BatchNorm definitions listed three param specs so the solver would not train the running
/// statistics. Current Caffe keeps the specs (names stay, for sharing) but forces lr_mult and
/// decay_mult to zero.
/// </summary>
internal sealed class BatchNormStep : IUpgradeStep
{
    const int LegacyParamCount = 3;

    // Caffe's own test is only "three specs"; also requiring one not yet zeroed makes an upgraded
    // net (and every modern net that already zeroes them) report no further upgrade.
    public bool IsNeeded(NetParameter net) => net.Layer.Any(l => IsLegacy(l) && l.Param.Any(p => !IsZeroed(p)));

    public NetParameter Apply(NetParameter net, UpgradeContext context)
    {
        foreach (var layer in net.Layer.Where(IsLegacy))
        {
            foreach (var spec in layer.Param)
            {
                spec.LrMult = 0;
                spec.DecayMult = 0;
            }
        }
        return net;
    }

    static bool IsLegacy(LayerParameter layer) => layer.Type == "BatchNorm" && layer.Param.Count == LegacyParamCount;

    static bool IsZeroed(ParamSpec spec) => spec is { HasLrMult: true, LrMult: 0, HasDecayMult: true, DecayMult: 0 };
}
