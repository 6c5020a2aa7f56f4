using CaffeNet.Import.Text;
using CaffeNet.Proto;

namespace CaffeNet.Tests.Import.Upgrade;

/// <summary>Loads the nets in testdata/ the upgrade tests start from.</summary>
internal static class NetFiles
{
    public static NetParameter Prototxt(string folder, string name) =>
        TextFormat.ParseFile<NetParameter>(TestPaths.InTestData(folder, name));

    public static NetParameter Binary(string folder, string name) =>
        NetParameter.Parser.ParseFrom(File.ReadAllBytes(TestPaths.InTestData(folder, name)));
}
