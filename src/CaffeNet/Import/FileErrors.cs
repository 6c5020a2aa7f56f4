namespace CaffeNet.Import;

/// <summary>One wording for file-system failures, so every reader names the path the same way.</summary>
internal static class FileErrors
{
    public static string CannotRead(string path, Exception e) => e switch
    {
        FileNotFoundException => $"{path}: file not found",
        DirectoryNotFoundException => $"{path}: file not found (its folder does not exist)",
        UnauthorizedAccessException when Directory.Exists(path) => $"{path}: is a folder, not a file",
        _ => $"{path}: cannot read: {e.Message}",
    };

    /// <summary><paramref name="kind"/> is "a folder", "a FIFO (named pipe)", ...</summary>
    public static string NotRegular(string path, string kind) =>
        kind == "a folder" ? $"{path}: is a folder, not a file" : $"{path}: is {kind}, not a regular file";
}
