using CaffeNet.Proto;

namespace CaffeNet.Import.Upgrade;

/// <summary>
/// One of Caffe's legacy-format upgrades. Steps run in a fixed order on the upgrader's own copy of
/// the net, so they may change it in place and move sub-messages from one place to another.
/// </summary>
internal interface IUpgradeStep
{
    bool IsNeeded(NetParameter net);

    /// <summary>Returns the upgraded net: <paramref name="net"/> itself, changed, or a new one.</summary>
    NetParameter Apply(NetParameter net, UpgradeContext context);
}
