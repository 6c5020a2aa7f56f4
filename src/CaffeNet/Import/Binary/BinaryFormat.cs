using CaffeNet.Proto;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace CaffeNet.Import.Binary;

/// <summary>
/// Protobuf binary files: `.caffemodel` (NetParameter with weights) and `.binaryproto` (a
/// BlobProto, e.g. a mean image). Reads check the whole wire format first (see
/// <see cref="WireValidator"/>), so a bad or hostile file is refused with its byte offset before
/// anything is allocated for it.
/// </summary>
internal static class BinaryFormat
{
    public static NetParameter ReadNet(string path, ImportOptions? options = null) => Read<NetParameter>(path, options);

    public static BlobProto ReadBlob(string path, ImportOptions? options = null) => Read<BlobProto>(path, options);

    public static T Read<T>(string path, ImportOptions? options = null) where T : IMessage<T>, new()
    {
        using var file = MappedFile.Open(path);
        return Parse<T>(file is null ? [] : file.Span, path, options);
    }

    /// <summary>Parses bytes already in memory; <paramref name="fileName"/> is used in messages.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> data, string fileName, ImportOptions? options = null)
        where T : IMessage<T>, new()
    {
        var type = Schema<T>.Descriptor;
        if (data.IsEmpty)
            throw CaffeFormatException.AtByte(fileName, 0, $"file is empty; expected a binary {type.FullName}");
        options ??= ImportOptions.Strict;
        bool undefinedEnums = WireValidator.Validate(data, type, fileName, options);
        try
        {
            var message = options.DataAside && typeof(T) == typeof(NetParameter) && BitConverter.IsLittleEndian
                ? (T)(object)CaffemodelReader.Parse(data)
                : Schema<T>.Parser.ParseFrom(data);
            if (undefinedEnums)
                UndefinedEnums.Clear(message);
            return message;
        }
        catch (InvalidProtocolBufferException e)
        {
            // The validator refuses everything Google.Protobuf is known to refuse; this is a backstop.
            throw new CaffeFormatException($"{fileName}: not a valid {type.FullName}: {e.Message}");
        }
    }

    /// <summary>Writes <paramref name="message"/> atomically (see <see cref="AtomicFile"/>).</summary>
    public static void Write(IMessage message, string path) => AtomicFile.Write(path, message.WriteTo);

    static class Schema<T> where T : IMessage<T>, new()
    {
        public static readonly MessageParser<T> Parser = new(() => new T());
        public static readonly MessageDescriptor Descriptor = new T().Descriptor;
    }
}
