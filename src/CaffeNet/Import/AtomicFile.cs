namespace CaffeNet.Import;

/// <summary>
/// Writes output files all at once or not at all. A regular file (or a path not there yet) gets
/// its content in a temporary file in the same folder, which then replaces it by rename: a
/// failure part-way leaves no truncated output and never touches an existing file, which may also
/// be the input being converted. A symbolic link stays a link: the file it ends at is the one
/// replaced. A device, FIFO or socket (/dev/null, a pipe, /dev/stdout) is written into as it is,
/// never replaced.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Linux's own limit on links followed while resolving one path.</summary>
    const int MaxLinks = 40;

    public static void Write(string path, Action<Stream> write) => WriteAll((path, write));

    /// <summary>
    /// Writes several files, none of the regular ones changing unless every file has been written:
    /// their temporary files are all complete before any rename, and the devices and FIFOs, which
    /// cannot be taken back, are written in between.
    /// </summary>
    public static void WriteAll(params (string Path, Action<Stream> Write)[] files)
    {
        var staged = new List<(string Path, string Target, string Temp)>();
        try
        {
            var direct = new List<(string Path, string Full, Action<Stream> Write)>();
            foreach (var (path, write) in files)
            {
                var full = Path.GetFullPath(path);
                var target = PathKinds.Of(full) switch
                {
                    PathKind.Folder => throw new CaffeNetException($"{path}: cannot write: it is a folder"),
                    PathKind.Special => null,
                    _ => LinkedFile(path, full),
                };
                if (target is null)
                    direct.Add((path, full, write));
                else
                    staged.Add((path, target, Stage(path, target, write)));
            }
            foreach (var (path, full, write) in direct)
                WriteInto(path, full, write);
            foreach (var (path, target, temp) in staged)
                Guard(path, () => File.Move(temp, target, overwrite: true));
        }
        finally
        {
            foreach (var (_, _, temp) in staged)
                File.Delete(temp);
        }
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

    /// <summary>Writes the content to a new temporary file beside <paramref name="target"/> and returns its path.</summary>
    static string Stage(string path, string target, Action<Stream> write)
    {
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
            throw new CaffeNetException($"{path}: cannot write: folder {folder} does not exist");
        var temp = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Guard(path, () =>
            {
                using var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
                write(stream);
                stream.Flush(flushToDisk: true);
            });
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
        return temp;
    }

    /// <summary>Opens what is there (no create, no rename), as a shell's `&gt;` does.</summary>
    static void WriteInto(string path, string full, Action<Stream> write) => Guard(path, () =>
    {
        using var stream = new FileStream(full, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite, 1 << 16);
        write(stream);
        stream.Flush();
    });

    static void Guard(string path, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException($"{path}: cannot write: {e.Message}", e);
        }
    }
}
