namespace CaffeNet.Import;

/// <summary>
/// Several files that appear in a folder together or not at all. They are written into a
/// staging folder beside it (so on the same file system) and moved in by <see cref="Commit"/>.
/// A folder that did not exist is made by renaming the staging folder, in one step. Into an
/// existing folder the files move one by one, each file of the same name set aside first; if a
/// move fails, the files moved so far are taken out again and the set-aside ones put back.
/// Files already there under other names are never touched. Disposing without a commit removes
/// the staging folder, so a failure before the commit adds nothing.
/// </summary>
internal sealed class OutputFolder : IDisposable
{
    readonly string _path;
    readonly string _full;
    readonly string _staging;
    readonly List<string> _files = [];
    bool _committed;
    bool _keepStaging;

    OutputFolder(string path, string full, string staging)
    {
        _path = path;
        _full = full;
        _staging = staging;
    }

    string NewFiles => Path.Combine(_staging, "new");

    string SetAside => Path.Combine(_staging, "old");

    /// <summary>
    /// Starts the output for folder <paramref name="path"/>, which need not exist yet; its parent
    /// must. Nothing is visible in <paramref name="path"/> until <see cref="Commit"/>.
    /// </summary>
    public static OutputFolder Begin(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var parent = Path.GetDirectoryName(full)
            ?? throw new CaffeNetException($"{path}: cannot write: a file system's root cannot be an output folder");
        if (File.Exists(full) && !Directory.Exists(full))
            throw new CaffeNetException($"{path}: is a file, not a folder");
        if (!Directory.Exists(parent))
            throw new CaffeNetException($"{path}: cannot write: folder {parent} does not exist");
        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(Path.Combine(staging, "new"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException($"{path}: cannot write: {e.Message}", e);
        }
        return new OutputFolder(path, full, staging);
    }

    /// <summary>Writes file <paramref name="name"/> (a plain file name, once per output) to the staging folder.</summary>
    public void Write(string name, Action<Stream> write)
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        if (name != Path.GetFileName(name) || name is "" or "." or "..")
            throw new ArgumentException($"{Excerpt.Name(name)} is not a plain file name", nameof(name));
        if (_files.Contains(name, StringComparer.Ordinal))
            throw new ArgumentException($"{Excerpt.Name(name)} is written twice", nameof(name));
        try
        {
            using var stream = new FileStream(Path.Combine(NewFiles, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            write(stream);
            stream.Flush(flushToDisk: true);
        }
        catch (PathTooLongException e)
        {
            throw new CaffeNetException($"{Excerpt.Path(Path.Combine(_path, name))}: cannot write: the name is too long for the file system " +
                $"({name.Length} characters)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException($"{Excerpt.Path(Path.Combine(_path, name))}: cannot write: {Excerpt.Path(e.Message)}", e);
        }
        _files.Add(name);
    }

    /// <summary>Moves every file written into the folder, in the order written, or none of them.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_committed, this);
        _committed = true;
        try
        {
            if (Directory.Exists(_full))
                MoveInto();
            else
                Directory.Move(NewFiles, _full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException($"{_path}: cannot write: {e.Message}; nothing was changed", e);
        }
        finally
        {
            RemoveStaging();
        }
    }

    void MoveInto()
    {
        Directory.CreateDirectory(SetAside);
        var setAside = new List<(string Target, string Old)>();
        var movedIn = new List<string>();
        try
        {
            foreach (var name in _files)
            {
                var target = Path.Combine(_full, name);
                if (File.Exists(target))
                {
                    var old = Path.Combine(SetAside, name);
                    File.Move(target, old);
                    setAside.Add((target, old));
                }
                // No overwrite: should a file of that name appear meanwhile, this fails and all is undone.
                File.Move(Path.Combine(NewFiles, name), target);
                movedIn.Add(target);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            RollBack(movedIn, setAside, e);
            throw;
        }
    }

    /// <summary>Takes the new files out and puts the set-aside ones back. Should that fail too, the message says where they are.</summary>
    void RollBack(List<string> movedIn, List<(string Target, string Old)> setAside, Exception cause)
    {
        try
        {
            foreach (var target in movedIn)
                File.Delete(target);
            foreach (var (target, old) in setAside)
                File.Move(old, target);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _keepStaging = true;
            throw new CaffeNetException($"{_path}: cannot write: {cause.Message}; putting the folder back failed too ({e.Message}): " +
                $"the previous versions of its files are in {SetAside}", cause);
        }
    }

    void RemoveStaging()
    {
        if (_keepStaging || !Directory.Exists(_staging))
            return;
        try
        {
            Directory.Delete(_staging, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The output itself is complete (or untouched); a leftover hidden folder is all that remains.
        }
    }

    public void Dispose()
    {
        if (!_committed)
            RemoveStaging();
        _committed = true;
    }
}
