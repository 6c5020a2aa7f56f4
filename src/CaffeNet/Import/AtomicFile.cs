namespace CaffeNet.Import;

/// <summary>
/// Writes an output file all at once or not at all. A regular file (or a path not there yet) gets
/// its content in a temporary file in the same folder, which then replaces it by rename: a
/// failure part-way leaves no truncated output and never touches an existing file, which may also
/// be the input being converted. A symbolic link stays a link: the file it ends at is the one
/// replaced. A device, FIFO or socket (/dev/null, a pipe, /dev/stdout) is written into as it is,
/// never replaced.
/// </summary>
public static class AtomicFile
{
    /// <summary>Linux's own limit on links followed while resolving one path.</summary>
    const int MaxLinks = 40;

    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        switch (PathKinds.Of(full))
        {
            case PathKind.Folder:
                throw new CaffeNetException($"{path}: cannot write: it is a folder");
            case PathKind.Special:
                WriteInto(path, full, write);
                return;
        }
        var target = LinkedFile(path, full);
        if (target is null)
            WriteInto(path, full, write);
        else
            Replace(path, target, write);
    }

    /// <summary>
    /// The file a chain of symbolic links ends at (<paramref name="full"/> itself if it is no
    /// link), or null where the chain passes through /proc: /proc/self/fd/1 names an open file,
    /// whose owner (a shell redirect) writes on into it, so it must not be swapped for another.
    /// </summary>
    static string? LinkedFile(string path, string full)
    {
        var current = full;
        for (int hop = 0; hop <= MaxLinks; hop++)
        {
            var link = new FileInfo(current).LinkTarget;
            if (link is null)
                return current;
            if (current.StartsWith("/proc/", StringComparison.Ordinal))
                return null;
            current = Path.GetFullPath(link, Path.GetDirectoryName(current)!);
        }
        throw new CaffeNetException($"{path}: cannot write: more than {MaxLinks} symbolic links in a chain");
    }

    static void Replace(string path, string full, Action<Stream> write)
    {
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
            throw new CaffeNetException($"{path}: cannot write: folder {folder} does not exist");

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

    /// <summary>Opens what is there (no create, no rename), as a shell's `&gt;` does.</summary>
    static void WriteInto(string path, string full, Action<Stream> write)
    {
        try
        {
            using var stream = new FileStream(full, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
            write(stream);
            stream.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException($"{path}: cannot write: {e.Message}", e);
        }
    }
}
