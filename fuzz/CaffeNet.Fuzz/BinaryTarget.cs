using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CaffeNet.Fuzz;

/// <summary>
/// Caffemodel bytes as a NetParameter (then upgraded, as a loaded caffemodel is) and as a
/// BlobProto (a .binaryproto). Whatever the wire validator passes, strict or lenient, Google.Protobuf
/// must parse (BinaryFormat's catch of its exception is only a backstop); a strictly valid
/// message must serialize to bytes the validator passes again, parsing to an equal message; and
/// what BinaryFormat reads must print as prototxt that parses back.
/// </summary>
sealed class BinaryTarget : IFuzzTarget
{
    public string Name => "binary";

    static readonly ImportOptions Lenient = new(Lenient: true, Warning: _ => { });

    public void Run(byte[] input)
    {
        if (Read(input, NetParameter.Parser, NetParameter.Descriptor) is { } net && NetUpgrader.NeedsUpgrade(net))
            NetUpgrader.Upgrade(net, "fuzz.caffemodel", _ => { });
        Read(input, BlobProto.Parser, BlobProto.Descriptor);
    }

    /// <summary>The message, or null when the validator refuses the bytes even leniently.</summary>
    static T? Read<T>(byte[] input, MessageParser<T> parser, MessageDescriptor type) where T : class, IMessage<T>, new()
    {
        if (input.Length == 0)
            return null;
        bool strict = Passes(input, type, ImportOptions.Strict);
        if (!strict && !Passes(input, type, Lenient))
            return null;
        try
        {
            parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new FuzzFinding($"the validator passed ({(strict ? "strict" : "lenient")}) what Google.Protobuf refuses: {e.Message}");
        }
        var message = BinaryFormat.Parse<T>(input, "fuzz.caffemodel", strict ? ImportOptions.Strict : Lenient);
        if (strict)
        {
            var bytes = message.ToByteArray();
            if (bytes.Length > 0 && !Passes(bytes, type, ImportOptions.Strict))
                throw new FuzzFinding("the validator refuses the re-serialized message");
            if (!parser.ParseFrom(bytes).Equals(message))
                throw new FuzzFinding("the re-serialized message parses to a different one");
        }
        CheckText(message);
        return message;
    }

    /// <summary>As `caffenet convert` does both ways: the message as read, strictly or leniently,
    /// printed as prototxt must parse back,
    /// and print the same again (text, so that NaN payloads, which prototxt cannot keep, do not count).</summary>
    static void CheckText<T>(T message) where T : class, IMessage<T>, new()
    {
        var printed = TextFormat.Print(message);
        T again;
        try
        {
            again = TextFormat.Parse<T>(printed, "printed.prototxt");
        }
        catch (CaffeNetException e)
        {
            throw new FuzzFinding($"a strictly valid binary message printed as prototxt does not parse back: {e.Message}");
        }
        if (TextFormat.Print(again) != printed)
            throw new FuzzFinding("a binary message printed as prototxt parses back to a different one");
    }

    static bool Passes(byte[] data, MessageDescriptor type, ImportOptions options)
    {
        try
        {
            WireValidator.Validate(data, type, "fuzz.caffemodel", options);
            return true;
        }
        catch (CaffeFormatException)
        {
            return false;
        }
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(SeedFiles files)
    {
        foreach (var path in files.Find(64 << 10, ".caffemodel", ".binaryproto"))
            yield return (SeedFiles.NameOf(path), File.ReadAllBytes(path));
        // Every small prototxt as a binary net (V0, V1 and V2 forms), and with filler weights where they are small.
        foreach (var path in files.Find(16 << 10, ".prototxt"))
        {
            if (SeedNets.Parse(path) is not { } net)
                continue;
            yield return (SeedFiles.NameOf(path) + "-net", net.ToByteArray());
            if (SeedNets.WithFillerWeights(net, maxParams: 8 << 10) is { } weighted)
                yield return (SeedFiles.NameOf(path) + "-weights", weighted.ToByteArray());
        }
        foreach (var (name, blob) in SeedNets.Blobs())
            yield return (name, blob.ToByteArray());
    }

    public IEnumerable<string> Dictionary => [];
}
