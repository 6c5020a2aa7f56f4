using System.Text.Unicode;

namespace CaffeNet.Import;

/// <summary>Protobuf text (prototxt) or binary (caffemodel, binaryproto).</summary>
internal enum FileFormat
{
    Text,
    Binary,
}

/// <summary>Tells a file's format from its extension, or failing that from its first bytes.</summary>
internal static class FileFormats
{
    public static readonly string[] TextExtensions = [".prototxt", ".pbtxt", ".txt"];
    public static readonly string[] BinaryExtensions = [".caffemodel", ".pb", ".bin", ".binaryproto"];

    public static FileFormat? FromExtension(string path)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        if (TextExtensions.Contains(ext))
            return FileFormat.Text;
        if (BinaryExtensions.Contains(ext))
            return FileFormat.Binary;
        return null;
    }

    /// <summary>`.binaryproto` files hold one BlobProto (a mean image), not a net.</summary>
    public static bool IsBlobFile(string path) =>
        Path.GetExtension(path).Equals(".binaryproto", StringComparison.OrdinalIgnoreCase);

    /// <summary>By extension, else by content: prototxt is UTF-8 without control characters,
    /// while a binary net has them within its first bytes (field lengths, floats).</summary>
    public static FileFormat Detect(string path)
    {
        if (FromExtension(path) is { } known)
            return known;
        Span<byte> head = stackalloc byte[4096];
        int n;
        try
        {
            using var stream = InputFile.Open(path);
            n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException(FileErrors.CannotRead(path, e), e);
        }
        return FromContent(head[..n]);
    }

    /// <summary>By the first bytes of a file (up to 4 KB): text unless they hold control characters or
    /// are not UTF-8.</summary>
    public static FileFormat FromContent(ReadOnlySpan<byte> head)
    {
        foreach (var b in head)
        {
            if (b is < 0x20 and not ((byte)'\t' or (byte)'\n' or (byte)'\r') or 0x7F)
                return FileFormat.Binary;
        }
        // A multi-byte character may be cut at the end of the sample.
        var utf8 = head[..Math.Max(0, head.Length - 3)];
        return Utf8.IsValid(utf8) ? FileFormat.Text : FileFormat.Binary;
    }
}
