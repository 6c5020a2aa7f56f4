using System.Text;

namespace CaffeNet.Import;

/// <summary>
/// Opens files for reading, refusing anything but a regular file (or a link to one) before it is
/// opened: opening a FIFO blocks until something writes to it, and a device such as /dev/zero
/// never ends, so neither has a size to check. Failures use <see cref="FileErrors"/>' wording.
/// </summary>
internal static class InputFile
{
    public static FileStream Open(string path)
    {
        RequireRegular(path);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException(FileErrors.CannotRead(path, e), e);
        }
    }

    /// <summary>
    /// The whole of a regular file, read up to the length it had when opened. A file longer than
    /// <paramref name="tooLarge"/>'s limit is refused with its message before anything is read.
    /// </summary>
    public static byte[] ReadAllBytes(string path, (long Limit, Func<long, string> Message)? tooLarge = null)
    {
        using var stream = Open(path);
        if (tooLarge is { } cap && stream.Length > cap.Limit)
            throw new CaffeNetException(cap.Message(stream.Length));
        if (stream.Length > Array.MaxLength)
            throw new CaffeNetException($"{path}: file is {stream.Length} bytes, more than one .NET array can hold ({Array.MaxLength})");
        try
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException(FileErrors.CannotRead(path, e), e);
        }
    }

    /// <summary>
    /// The whole of a regular UTF-8 file as a string (bytes that are not UTF-8 become U+FFFD), read
    /// in two passes of small chunks, one to count its characters and one to decode them straight
    /// into the string: a 100 MB file then costs its 200 MB of UTF-16 and no copy of its bytes.
    /// A file longer than <paramref name="tooLarge"/>'s limit is refused before anything is read.
    /// </summary>
    public static string ReadAllText(string path, (long Limit, Func<long, string> Message) tooLarge)
    {
        using var stream = Open(path);
        long length = stream.Length;
        if (length > tooLarge.Limit)
            throw new CaffeNetException(tooLarge.Message(length));
        var buffer = new byte[Math.Min(length, 1 << 20)];
        try
        {
            var decoder = Encoding.UTF8.GetDecoder();
            // Counted by decoding into scratch: Decoder.GetCharCount leaves the decoder's state as
            // it was, so a character split between two chunks would be miscounted.
            var scratch = new char[buffer.Length + 4];
            long chars = 0;
            for (long left = length; left > 0;)
            {
                int n = Fill(stream, buffer, left);
                chars += decoder.GetChars(buffer.AsSpan(0, n), scratch, flush: n == left);
                left -= n;
            }
            if (chars > Array.MaxLength)
                throw new CaffeNetException($"{Excerpt.Path(path)}: its text is {chars} characters, more than one .NET string can hold");
            stream.Position = 0;
            decoder.Reset();
            return string.Create((int)chars, (stream, decoder, buffer, length), static (text, s) =>
            {
                int at = 0;
                for (long left = s.length; left > 0;)
                {
                    int n = Fill(s.stream, s.buffer, left);
                    try
                    {
                        at += s.decoder.GetChars(s.buffer.AsSpan(0, n), text[at..], flush: n == left);
                    }
                    catch (ArgumentException e)
                    {
                        // More characters than the first pass counted.
                        throw new IOException("the file changed while it was read", e);
                    }
                    left -= n;
                }
                if (at != text.Length)
                    throw new IOException("the file changed while it was read");
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException(FileErrors.CannotRead(path, e), e);
        }
    }

    // Reads exactly min(buffer, left) bytes; a file cut short while it is read is an IOException.
    static int Fill(FileStream stream, byte[] buffer, long left)
    {
        int n = (int)Math.Min(buffer.Length, left);
        stream.ReadExactly(buffer, 0, n);
        return n;
    }

    /// <summary>A CaffeNetException when the path names a folder, FIFO, device or socket; a missing path is left to the open.</summary>
    public static void RequireRegular(string path)
    {
        switch (PathKinds.Of(path))
        {
            case PathKind.Folder:
                throw new CaffeNetException(FileErrors.NotRegular(path, "a folder"));
            case PathKind.Special:
                throw new CaffeNetException(FileErrors.NotRegular(path, PathKinds.SpecialName(path)));
        }
    }
}
