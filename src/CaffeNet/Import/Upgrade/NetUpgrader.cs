using CaffeNet.Proto;

namespace CaffeNet.Import.Upgrade;

/// <summary>
/// Brings a net written for an older Caffe (V0 `layers { layer {} }`, V1 `layers { type: ENUM }`,
/// top-level `input:` fields, old BatchNorm params) to the current `layer {}` form, with the same
/// results as Caffe's own upgrade. Works for definitions and for caffemodels (blobs move with layers).
/// </summary>
internal static class NetUpgrader
{
    // Caffe's order matters: the data step reads V1 layers, the input step appends a V2 layer.
    static readonly IUpgradeStep[] Steps =
    [
        new V0ToV1Step(),
        new DataTransformStep(),
        new V1ToV2Step(),
        new InputStep(),
        new BatchNormStep(),
    ];

    public static bool NeedsUpgrade(NetParameter net) => Steps.Any(step => step.IsNeeded(net));

    /// <summary>Returns an upgraded copy; <paramref name="net"/> is left untouched.</summary>
    /// <exception cref="CaffeFormatException">The net cannot be upgraded (Caffe refuses it too).</exception>
    public static NetParameter Upgrade(NetParameter net, string fileName) => Upgrade(net, fileName, warn: null);

    /// <summary>Returns an upgraded copy, as <see cref="Upgrade(NetParameter, string)"/>.</summary>
    /// <param name="net">The net as read; left untouched.</param>
    /// <param name="fileName">Where it was read from, for messages.</param>
    /// <param name="warn">Receives one line per setting Caffe drops while upgrading (it only logs them).</param>
    public static NetParameter Upgrade(NetParameter net, string fileName, Action<string>? warn)
    {
        var context = new UpgradeContext(fileName, warn);
        var upgraded = net.Clone();
        foreach (var step in Steps)
        {
            if (step.IsNeeded(upgraded))
                upgraded = step.Apply(upgraded, context);
        }
        return upgraded;
    }
}
