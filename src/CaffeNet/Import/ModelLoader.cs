using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;
using Google.Protobuf;

namespace CaffeNet.Import;

/// <summary>
/// Opens a Caffe model as a user gives it: a net definition (prototxt or binary) and optional
/// trained weights, each upgraded to the current form, the weights merged into the net.
/// </summary>
public static class ModelLoader
{
    /// <summary>Reads a net, text or binary (see <see cref="FileFormats.Detect"/>), upgraded to V2 if needed.</summary>
    public static NetParameter LoadNet(string path, ImportOptions? options = null)
    {
        options ??= ImportOptions.Strict;
        var net = Read<NetParameter>(path, options);
        if (!NetUpgrader.NeedsUpgrade(net))
            return net;
        Blobs.MoveAsideIntoData(net);
        return NetUpgrader.Upgrade(net, path, options.Warning);
    }

    /// <summary>The net of <paramref name="prototxt"/> with the trained blobs of <paramref name="weights"/>
    /// copied in by layer name, as Caffe's CopyTrainedLayersFrom does (see <see cref="WeightMerger"/>).</summary>
    public static NetParameter Load(string prototxt, string? weights, ImportOptions? options = null)
    {
        var net = LoadNet(prototxt, options);
        return weights is null ? net : WeightMerger.Merge(net, LoadNet(weights, options), weights);
    }

    /// <summary>Reads a message as it is in the file, text or binary, without upgrading it.</summary>
    public static T Read<T>(string path, ImportOptions? options = null) where T : IMessage<T>, new()
    {
        options ??= ImportOptions.Strict;
        return FileFormats.Detect(path) == FileFormat.Text
            ? TextFormat.ParseFile<T>(path, new TextParseOptions { Lenient = options.Lenient, Warning = options.Warning, LayerFields = options.LayerFields })
            : BinaryFormat.Read<T>(path, options);
    }
}
