using System.Text;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Proto;
using Google.Protobuf;

namespace CaffeNet.Cli.Commands;

/// <summary>`caffenet convert IN OUT`: prototxt and binary protobuf into each other, by extension.</summary>
public sealed class ConvertCommand : ICommand
{
    public string Name => "convert";

    public CommandSpec Spec { get; } = new(
        Summary: "Convert a net or mean file between prototxt and binary protobuf",
        Usage: """
            Usage: caffenet convert IN OUT [--upgrade] [--lenient]

            Reads IN and writes it to OUT in the format OUT's extension names:
              text:   .prototxt .pbtxt .txt
              binary: .caffemodel .pb .bin .binaryproto
            IN's format comes from its extension too, or from its content if the extension is
            another. A .binaryproto file holds one blob (a mean image) instead of a net.
            OUT is written whole or not at all; an existing OUT is replaced only on success.

            Options:
              --upgrade   write legacy (V0/V1, input:) nets in the current layer {} form
              --lenient   skip prototxt fields BVLC Caffe does not know, with a warning each
              -h, --help  show this help
            """,
        MinPositional: 2,
        MaxPositional: 2,
        ValueOptions: [],
        FlagOptions: ["--upgrade", "--lenient"]);

    public int Run(Options options, TextWriter stdout, TextWriter stderr)
    {
        string input = options.Positional[0], output = options.Positional[1];
        var format = FileFormats.FromExtension(output) ?? throw new CaffeNetException(
            $"{output}: cannot tell the output format from the extension; use one of " +
            string.Join(' ', FileFormats.TextExtensions.Concat(FileFormats.BinaryExtensions)));
        var read = new ImportOptions(options.Has("--lenient"), w => stderr.WriteLine($"caffenet convert: warning: {w}"));

        var message = IsBlob(input, output) ? ReadBlob(input, read, options) : ReadNet(input, read, options);

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

    static IMessage ReadBlob(string input, ImportOptions read, Options options)
    {
        if (options.Has("--upgrade"))
            throw new CaffeNetException("--upgrade applies to nets; a .binaryproto mean file holds a blob");
        return ModelLoader.Read<BlobProto>(input, read);
    }

    static IMessage ReadNet(string input, ImportOptions read, Options options) =>
        options.Has("--upgrade") ? ModelLoader.LoadNet(input, read) : ModelLoader.Read<NetParameter>(input, read);
}
