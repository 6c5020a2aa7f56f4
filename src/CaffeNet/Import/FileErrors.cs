namespace CaffeNet.Import;

/// <summary>One wording for file-system failures, so every reader names the path the same way.</summary>
internal static class FileErrors
{
    // Paths are shown bounded (Excerpt.Path); the system's own message may quote the path again.
    public static string CannotRead(string path, Exception e) => e switch
    {
        FileNotFoundException => $"{Excerpt.Path(path)}: file not found",
        DirectoryNotFoundException => $"{Excerpt.Path(path)}: file not found (its folder does not exist)",
        UnauthorizedAccessException when Directory.Exists(path) => $"{Excerpt.Path(path)}: is a folder, not a file",
        _ => $"{Excerpt.Path(path)}: cannot read: {Excerpt.Path(e.Message)}",
    };

    /// <summary><paramref name="kind"/> is "a folder", "a FIFO (named pipe)", ...</summary>
    public static string NotRegular(string path, string kind) =>
        kind == "a folder" ? $"{Excerpt.Path(path)}: is a folder, not a file" : $"{Excerpt.Path(path)}: is {kind}, not a regular file";
}
