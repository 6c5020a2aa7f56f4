namespace CaffeNet.Import;

/// <summary>
/// Writes a file all at once or not at all: the content goes to a temporary file in the same
/// folder, which then replaces the target by rename. A failure part-way leaves no truncated
/// output and never touches an existing file, which may also be the input being converted.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new CaffeNetException($"{path}: cannot write: folder {folder} does not exist");
        if (Directory.Exists(full))
            throw new CaffeNetException($"{path}: cannot write: it is a folder");

        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException($"{path}: cannot write: {e.Message}", e);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
