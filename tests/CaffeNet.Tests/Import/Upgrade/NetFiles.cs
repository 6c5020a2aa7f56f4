using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Upgrade;

/// <summary>
/// Loads the nets the upgrade tests start from. Prototxts are read from protoc-encoded copies in
/// Fixtures/ (`protoc --encode=caffe.NetParameter`) until the text-format reader is on main.
/// </summary>
internal static class NetFiles
{
    public static NetParameter Prototxt(string folder, string name)
    {
        var encoded = Path.Combine(TestPaths.Root, "tests", "CaffeNet.Tests", "Import", "Upgrade", "Fixtures",
            $"{folder}_{Path.GetFileNameWithoutExtension(name)}.bin");
        return NetParameter.Parser.ParseFrom(File.ReadAllBytes(encoded));
    }

    public static NetParameter Binary(string folder, string name) =>
        NetParameter.Parser.ParseFrom(File.ReadAllBytes(TestPaths.InTestData(folder, name)));
}
