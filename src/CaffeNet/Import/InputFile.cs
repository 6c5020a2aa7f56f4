using System.Runtime.InteropServices;

namespace CaffeNet.Import;

/// <summary>
/// Opens files for reading, refusing anything but a regular file (or a link to one) before it is
/// opened: opening a FIFO blocks until something writes to it, and a device such as /dev/zero
/// never ends, so neither has a size to check. Failures use <see cref="FileErrors"/>' wording.
/// </summary>
internal static partial class InputFile
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

    /// <summary>The whole of a regular file, read up to the length it had when opened.</summary>
    public static byte[] ReadAllBytes(string path)
    {
        using var stream = Open(path);
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
        if (OperatingSystem.IsWindows())
            return; // Windows paths name no FIFOs or devices that a read would block on or never finish.
        if (FileStatus(path) is int type && type != RegularFile)
            throw new CaffeNetException(FileErrors.NotRegular(path, TypeName(type)));
    }

    // File type bits of the mode, as the runtime's System.Native reports them (the same on every Unix).
    const int TypeMask = 0xF000, Fifo = 0x1000, CharDevice = 0x2000, Folder = 0x4000, BlockDevice = 0x6000, RegularFile = 0x8000, Socket = 0xC000;

    static string TypeName(int type) => type switch
    {
        Folder => "a folder",
        Fifo => "a FIFO (named pipe)",
        CharDevice => "a character device",
        BlockDevice => "a block device",
        Socket => "a socket",
        _ => "a special file",
    };

    /// <summary>
    /// The file type from stat(2), following links; null when the path cannot be examined (the open
    /// then says why). .NET 10 has no API for a file's type (SafeFileHandle.Type comes in .NET 11),
    /// so this calls the runtime's own System.Native, whose status record starts with flags and mode.
    /// </summary>
    static int? FileStatus(string path)
    {
        Span<byte> status = stackalloc byte[StatusBytes];
        if (Stat(path, ref MemoryMarshal.GetReference(status)) != 0)
            return null;
        return MemoryMarshal.Read<int>(status[4..]) & TypeMask;
    }

    /// <summary>Room for System.Native's FileStatus record (about 120 bytes today), with space to grow.</summary>
    const int StatusBytes = 512;

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_Stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref byte status);
}
