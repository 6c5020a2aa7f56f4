using PublicApiGenerator;

namespace CaffeNet.Tests.Api;

/// <summary>
/// The library's public API (less the generated protobuf messages of CaffeNet.Proto) is kept in
/// PublicApi.approved.txt, so that any change to it shows in review. On a difference the test
/// writes PublicApi.received.txt beside it: compare, and copy it over the approved file if meant.
/// </summary>
public class PublicApiTests
{
    static string ApprovedPath => Path.Combine(TestPaths.Root, "tests", "CaffeNet.Tests", "Api", "PublicApi.approved.txt");

    static string ReceivedPath => Path.ChangeExtension(ApprovedPath, null).Replace(".approved", ".received") + ".txt";

    public static string Generate()
    {
        var assembly = typeof(CaffeModel).Assembly;
        var generated = assembly.GetExportedTypes().Where(t => t.Namespace == "CaffeNet.Proto").ToArray();
        var api = assembly.GeneratePublicApi(new ApiGeneratorOptions { ExcludeTypes = generated, IncludeAssemblyAttributes = false });
        return api.ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
    }

    [Fact]
    public void ThePublicApiIsTheApprovedOne()
    {
        var api = Generate();
        var approved = File.Exists(ApprovedPath) ? File.ReadAllText(ApprovedPath).ReplaceLineEndings("\n") : "";
        if (api == approved)
        {
            File.Delete(ReceivedPath);
            return;
        }
        File.WriteAllText(ReceivedPath, api);
        Assert.Fail($"The public API changed: see {ReceivedPath} (diff it with {ApprovedPath}; copy it over if the change is meant)");
    }

    [Fact]
    public void OnlyTheGeneratedMessagesAreLeftOutOfTheApprovedFile()
    {
        var exported = typeof(CaffeModel).Assembly.GetExportedTypes();
        Assert.All(exported.Where(t => t.Namespace != "CaffeNet.Proto"), t => Assert.StartsWith("CaffeNet", t.Namespace));
    }
}
