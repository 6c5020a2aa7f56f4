namespace CaffeNet.Tests;

/// <summary>Where the repository, its testdata and the shared corpus are, found from the test binary.</summary>
public static class TestPaths
{
    public static string Root { get; } = FindRoot();

    public static string TestData => Path.Combine(Root, "testdata");

    /// <summary>`../shared/corpus` beside the clone: real public models (not all may be copied).</summary>
    public static string Corpus => Path.GetFullPath(Path.Combine(Root, "..", "shared", "corpus"));

    public static string InTestData(params string[] parts) => Path.Combine([TestData, .. parts]);

    public static string InCorpus(params string[] parts) => Path.Combine([Corpus, .. parts]);

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CaffeNet.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("CaffeNet.sln not found above " + AppContext.BaseDirectory);
    }
}
