using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace CaffeNet.Tests.Api;

/// <summary>
/// The first C# block of README.md, compiled with Roslyn against the library as a console program
/// (with the SDK's implicit usings) and run: what it prints must agree with the reference path.
/// </summary>
public partial class ReadmeExampleTests
{
    static readonly object ConsoleGate = new();

    public static string Example()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.Root, "README.md"));
        var match = Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline);
        Assert.True(match.Success, "README.md has no ```csharp block");
        return match.Groups[1].Value;
    }

    [Fact]
    public void TheExampleIsTenToTwentyLines()
    {
        int lines = Example().TrimEnd('\n').Split('\n').Length;
        Assert.InRange(lines, 10, 20);
    }

    [Fact]
    public void TheExampleCompilesRunsAndPrintsWhatTheReferencePathGives()
    {
        // Paths in the example are relative to the repository's root, where a reader runs it.
        var source = Example().Replace("\"testdata/", $"\"{TestPaths.TestData}/");
        var output = Run(Compile(source)).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        var image = new float[3 * 224 * 224];
        for (int i = 0; i < image.Length; i++) image[i] = MathF.Sin(i * 0.01f);
        using var reference = CaffeModel.Load(ApiModels.MobileNetV2, ApiModels.MobileNetV2Weights,
            new CaffeModelOptions { Reference = true, KeepBlobs = ["conv_1_1"] });
        using var expected = reference.Run(image);
        var top5 = expected["loss"].TopK(5).Select(c => c.Index.ToString());

        Assert.Equal("data 1x3x224x224 -> loss 1x1000x1x1, 206 layers", output[0]);
        Assert.Equal(top5, TopIndices().Matches(output[1]).Select(m => m.Groups[1].Value));
        Assert.StartsWith("conv_1_1: 1x32x112x112, max ", output[2]);
        float max = float.Parse(output[2].Split("max ")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected["conv_1_1"].ToArray().Max(), max, 0.01f);
        int argMax = expected["loss"].ArgMax();
        Assert.Equal([.. Enumerable.Range(0, 4).Select(n => $"image {n}: class {argMax}")], output[3..]);
    }

    [GeneratedRegex(@"(\d+) \(")]
    private static partial Regex TopIndices();

    static Assembly Compile(string source)
    {
        // What a console project's ImplicitUsings adds.
        const string implicitUsings = "global using System; global using System.Collections.Generic; global using System.IO; " +
            "global using System.Linq; global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(CaffeModel).Assembly.Location)
            .Append(typeof(Google.Protobuf.IMessage).Assembly.Location)
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("ReadmeExample",
            [CSharpSyntaxTree.ParseText(implicitUsings, parse), CSharpSyntaxTree.ParseText(source, parse)],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        var problems = emitted.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()).ToList();
        Assert.True(emitted.Success && problems.Count == 0, string.Join("\n", problems));
        return Assembly.Load(image.ToArray());
    }

    static string Run(Assembly program)
    {
        lock (ConsoleGate)
        {
            var previous = Console.Out;
            var captured = new StringWriter { NewLine = "\n" };
            Console.SetOut(captured);
            try
            {
                var main = program.EntryPoint!;
                main.Invoke(null, main.GetParameters().Length == 0 ? [] : [Array.Empty<string>()]);
            }
            finally
            {
                Console.SetOut(previous);
            }
            return captured.ToString();
        }
    }
}
