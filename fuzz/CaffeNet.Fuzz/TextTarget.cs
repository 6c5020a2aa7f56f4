using System.Text;
using CaffeNet.Import.Text;
using CaffeNet.Proto;

namespace CaffeNet.Fuzz;

/// <summary>
/// Prototxt to NetParameter, strictly and leniently. What the strict parser accepts must print
/// and parse back to the same message, and the lenient parser must read it the same way.
/// </summary>
sealed class TextTarget : IFuzzTarget
{
    public string Name => "text";

    public void Run(byte[] input)
    {
        // As TextFormat.ParseFile reads a file: UTF-8, bad bytes become U+FFFD.
        var text = Encoding.UTF8.GetString(input);
        NetParameter? strict = null;
        try
        {
            strict = TextFormat.Parse<NetParameter>(text, "fuzz.prototxt");
        }
        catch (CaffeNetException)
        {
            // Refused strictly; the lenient reader below may still take it.
        }
        var lenient = TextFormat.Parse<NetParameter>(text, "fuzz.prototxt", new TextParseOptions { Lenient = true, Warning = _ => { } });
        if (strict is null)
            return;
        if (!lenient.Equals(strict))
            throw new FuzzFinding("the lenient parser reads a strictly valid file differently");
        CheckRoundTrip(strict);
    }

    internal static void CheckRoundTrip(NetParameter net)
    {
        var printed = TextFormat.Print(net);
        NetParameter again;
        try
        {
            again = TextFormat.Parse<NetParameter>(printed, "printed.prototxt");
        }
        catch (CaffeNetException e)
        {
            throw new FuzzFinding($"printed prototxt does not parse back: {e.Message}");
        }
        if (!again.Equals(net))
            throw new FuzzFinding("printed prototxt parses back to a different message");
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(SeedFiles files) =>
        files.Find(16 << 10, ".prototxt").Select(path => (SeedFiles.NameOf(path), File.ReadAllBytes(path)));

    public IEnumerable<string> Dictionary => Tokens.Prototxt();
}
