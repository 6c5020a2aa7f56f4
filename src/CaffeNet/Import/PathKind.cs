using System.Runtime.InteropServices;

namespace CaffeNet.Import;

/// <summary>What a path names once symbolic links are followed, as the kernel resolves them.</summary>
internal enum PathKind
{
    Missing,
    RegularFile,
    Folder,

    /// <summary>A device, FIFO or socket: something to write into, never to replace.</summary>
    Special,
}

internal static class PathKinds
{
    /// <summary>
    /// .NET tells folders from files but not a regular file from a device or FIFO, so on Linux
    /// this asks the kernel (statx, whose record has one layout on every architecture). Elsewhere
    /// every existing non-folder counts as a regular file.
    /// </summary>
    public static PathKind Of(string path)
    {
        if (!OperatingSystem.IsLinux())
            return Directory.Exists(path) ? PathKind.Folder : File.Exists(path) ? PathKind.RegularFile : PathKind.Missing;
        var mode = FileMode(path);
        return (mode & FileTypeMask) switch
        {
            null => PathKind.Missing,
            RegularFileType => PathKind.RegularFile,
            FolderType => PathKind.Folder,
            _ => PathKind.Special,
        };
    }

    const int FileTypeMask = 0xF000, RegularFileType = 0x8000, FolderType = 0x4000;
    const int AtCurrentFolder = -100;
    const uint StatxType = 0x1;
    /// <summary>Size of struct statx and the offset of its 16-bit stx_mode field (linux/stat.h).</summary>
    const int StatxSize = 256, StatxModeOffset = 28;

    static unsafe int? FileMode(string path)
    {
        byte* record = stackalloc byte[StatxSize];
        if (Statx(AtCurrentFolder, path, 0, StatxType, record) != 0)
            return null;
        return *(ushort*)(record + StatxModeOffset);
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern unsafe int Statx(int folderFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte* record);
}
