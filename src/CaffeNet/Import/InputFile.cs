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
