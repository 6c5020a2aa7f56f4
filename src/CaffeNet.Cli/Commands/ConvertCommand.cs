using System.CommandLine;
using System.Text;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using Google.Protobuf;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet convert IN OUT`: prototxt and binary protobuf into each other, by extension.</summary>
public sealed class ConvertCommand : CliCommand
{
    readonly Argument<string> inFile = new("IN")
    {
        Description = "The file to read; its format comes from its extension, or from its content where the extension is another",
    };

    readonly Argument<string> outFile = new("OUT")
    {
        Description = "The file to write, in the format its extension names: text .prototxt .pbtxt .txt, binary .caffemodel .pb .bin " +
            ".binaryproto (a .binaryproto holds one blob, a mean image, instead of a net). Written whole or not at all",
    };

    readonly Option<bool> upgrade = new("--upgrade") { Description = "Write legacy (V0/V1, input:) nets in the current layer {} form" };
    readonly Option<bool> lenient = SharedOptions.Lenient();

    public ConvertCommand() : base("convert", "Convert a net or mean file between prototxt and binary protobuf")
    {
        Arguments.Add(inFile);
        Arguments.Add(outFile);
        Options.Add(upgrade);
        Options.Add(lenient);
    }

    protected override int Run(ParseResult result, TextWriter stdout, TextWriter stderr)
    {
        string input = result.GetRequiredValue(inFile), output = result.GetRequiredValue(outFile);
        bool upgradeNet = result.GetValue(upgrade);
        var format = FileFormats.FromExtension(output) ?? throw new CaffeNetException(
            $"{output}: cannot tell the output format from the extension; use one of " +
            string.Join(' ', FileFormats.TextExtensions.Concat(FileFormats.BinaryExtensions)));
        var read = new ImportOptions(result.GetValue(lenient), Warnings(stderr));

        var message = IsBlob(input, output) ? ReadBlob(input, read, upgradeNet) : ReadNet(input, read, upgradeNet);

        if (format == FileFormat.Text)
            AtomicFile.Write(output, stream =>
            {
                using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
                writer.Write(TextFormat.Print(message));
            });
        else
            BinaryFormat.Write(message, output);
        stdout.WriteLine($"wrote {output}");
        return App.Ok;
    }

    /// <summary>A mean file on either side makes it a blob; a blob cannot become a binary net.</summary>
    static bool IsBlob(string input, string output)
    {
        bool inBlob = FileFormats.IsBlobFile(input), outBlob = FileFormats.IsBlobFile(output);
        if (inBlob != outBlob && FileFormats.FromExtension(inBlob ? output : input) == FileFormat.Binary)
            throw new CaffeNetException($"cannot convert between a mean file (.binaryproto, one blob) and a " +
                $"binary net: {input} -> {output}");
        return inBlob || outBlob;
    }

    static IMessage ReadBlob(string input, ImportOptions read, bool upgrade)
    {
        if (upgrade)
            throw new CaffeNetException("--upgrade applies to nets; a .binaryproto mean file holds a blob");
        return ModelLoader.Read<BlobProto>(input, read);
    }

    static IMessage ReadNet(string input, ImportOptions read, bool upgrade) =>
        upgrade ? ModelLoader.LoadNet(input, read) : ModelLoader.Read<NetParameter>(input, read);
}
