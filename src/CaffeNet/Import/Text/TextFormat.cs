using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import.Text;

/// <summary>
/// Protobuf text format (prototxt) for any generated message: Caffe's nets, solvers and weights.
/// Reading follows protoc's rules, so a file this accepts is one Caffe accepts.
/// </summary>
internal static class TextFormat
{
    /// <summary>Parses prototxt; errors are <see cref="CaffeFormatException"/> naming `fileName:line:column`.</summary>
    public static T Parse<T>(string text, string fileName, TextParseOptions? options = null) where T : IMessage<T>, new()
    {
        var message = new T();
        TextParser.Merge(message, text, fileName, options);
        return message;
    }

    /// <summary>Parses prototxt into a new message of the given generated type.</summary>
    public static IMessage Parse(MessageDescriptor descriptor, string text, string fileName, TextParseOptions? options = null)
    {
        if (descriptor.Parser is null)
            throw new ArgumentException($"{descriptor.FullName} has no generated class to parse into", nameof(descriptor));
        var message = descriptor.Parser.ParseFrom(ReadOnlySpan<byte>.Empty);
        TextParser.Merge(message, text, fileName, options);
        return message;
    }

    /// <summary>Reads and parses a prototxt file (UTF-8, with or without a byte order mark).</summary>
    public static T ParseFile<T>(string path, TextParseOptions? options = null) where T : IMessage<T>, new() =>
        Parse<T>(ReadText(path), path, options);

    /// <summary>
    /// The message as prototxt in Caffe's layout; parsing it gives back an equal message. Fields
    /// the schema does not know (a binary reader keeps them) have no name and are left out.
    /// </summary>
    public static string Print(IMessage message) => TextPrinter.Print(message);

    /// <summary>
    /// The largest prototxt file read, in bytes. Its text must fit in one .NET string (at most
    /// about 2^30 characters); larger files are refused before they are read.
    /// </summary>
    public const long MaxFileBytes = 1_000_000_000;

    // UTF-8 only, as protoc reads it (no guessing UTF-16 from a byte order mark); bytes that are
    // not UTF-8 become U+FFFD, harmless in comments and refused outside strings.
    static string ReadText(string path) =>
        InputFile.ReadAllText(path, (MaxFileBytes, length => string.Create(CultureInfo.InvariantCulture,
            $"{Excerpt.Path(path)}: is {length} bytes ({length / (double)(1L << 30):0.00} GiB); prototxt is read only up to {MaxFileBytes} bytes (1 GB)")));
}
