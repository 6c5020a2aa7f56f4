using CaffeNet.Import;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using CsCheck;

namespace CaffeNet.Tests.Import.Text;

/// <summary>
/// Random and mangled prototxt: the reader returns a message or throws CaffeFormatException,
/// nothing else, and never hangs; whatever it accepts prints and reads back the same.
/// </summary>
public class TextFuzzTests
{
    static readonly string[] Seeds =
    [
        File.ReadAllText(TestPaths.InTestData("lenet", "lenet.prototxt")),
        File.ReadAllText(TestPaths.InTestData("caffenet-v0", "deploy.prototxt")),
        File.ReadAllText(TestPaths.InTestData("mtcnn", "det1.prototxt")),
        File.ReadAllText(TestPaths.InTestData("mobilenetv2", "deploy.prototxt")),
    ];

    // Tokens, near-tokens and troublemakers of the grammar.
    static readonly string[] Pieces =
    [
        "layer", "layers", "name", "type", "top", "input_dim", "convolution_param", "num_output", "pooling_param",
        "pool", "MAX", "phase", "TEST", "blobs", "data", "shape", "dim", "lr_mult", "bias_term", "relu6_param",
        "{", "}", "<", ">", "[", "]", ":", ",", ";", "-", "+", ".", "/", "\"", "'", "\\", "#",
        "\"a\"", "'b\\'c'", "\"\\u00e9\\x41\\777\"", "\"\\", "\\U0010ffff", "\\ud800",
        "0", "08", "0x", "0x1F", "017", "1e", "1e-5", "1.5", ".5", "5.", "1f", "1.5.3", "1abc",
        "inf", "-inf", "nan", "true", "t", "False", "2147483648", "-2147483649", "4294967296", "18446744073709551616",
        " ", "\n", "\r\n", "\t", "\0", "\u0001", "\u007f", "é", "\uFEFF", "\ud800", "😀",
        "clip_param { min: 0 }", "input_dim: [1, 2,", "blobs { data: [1, -2.5, nan] shape { dim: 2 } }",
        "layer { name: \"x\" }", "include { phase: TRAIN }", "x: [[[", "{{{{", "}}}}",
    ];

    static readonly Gen<string> RandomText =
        Gen.OneOf(Pieces).Array[0, 60].Select(parts => string.Concat(parts));

    record struct Mutation(int Kind, int Position, int Length, string Piece, char Char);

    static readonly Gen<Mutation> Mutations =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Int[1, 300], Gen.OneOf(Pieces), Gen.Char)
            .Select((kind, position, length, piece, c) => new Mutation(kind, position, length, piece, c));

    static readonly Gen<string> MutatedText =
        Gen.Select(Gen.Int[0, Seeds.Length - 1], Mutations.Array[1, 6])
            .Select((seed, mutations) => mutations.Aggregate(Seeds[seed], Apply));

    static string Apply(string text, Mutation m)
    {
        int at = m.Position % (text.Length + 1);
        int length = Math.Min(m.Length, text.Length - at);
        return m.Kind switch
        {
            0 when at < text.Length => string.Concat(text.AsSpan(0, at), [m.Char], text.AsSpan(at + 1)),
            1 => text[..at],
            2 => text.Insert(at, m.Piece),
            3 => text.Remove(at, length),
            _ => text.Insert(at, text.Substring(at, length)),
        };
    }

    static void ReadOrRefuse(string text)
    {
        foreach (var lenient in new[] { false, true })
        {
            NetParameter net;
            try
            {
                net = TextFormat.Parse<NetParameter>(text, "fuzz.prototxt", new TextParseOptions { Lenient = lenient });
            }
            catch (CaffeFormatException)
            {
                continue;
            }
            var printed = TextFormat.Print(net);
            var back = TextFormat.Parse<NetParameter>(printed, "printed.prototxt");
            if (!net.Equals(back))
                Assert.Fail("printed text reads back differently: " + FirstDifference(printed, TextFormat.Print(back)));
        }
    }

    static string FirstDifference(string a, string b)
    {
        int i = a.AsSpan().CommonPrefixLength(b);
        int from = Math.Max(0, i - 80);
        return $"at {i}: [{a[from..Math.Min(a.Length, i + 80)]}] vs [{b[from..Math.Min(b.Length, i + 80)]}]";
    }

    // Runs the sample on a worker so that a hang fails the test instead of stalling the run.
    static void WithinTime(Action sample)
    {
        var run = Task.Run(sample);
        Assert.True(run.Wait(TimeSpan.FromMinutes(2)), "the reader hung");
    }

    [Fact]
    public void RandomTokenSoupIsReadOrRefused() =>
        WithinTime(() => RandomText.Sample(ReadOrRefuse, iter: 5000));

    [Fact]
    public void MutatedRealFilesAreReadOrRefused() =>
        WithinTime(() => MutatedText.Sample(ReadOrRefuse, iter: 1000, print: t => t.Length > 2000 ? t[..2000] + "..." : t));

    [Fact]
    public void RandomCharactersAreReadOrRefused() =>
        WithinTime(() => Gen.String[Gen.Char, 0, 200].Sample(ReadOrRefuse, iter: 3000));
}
