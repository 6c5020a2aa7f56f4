using System.IO.MemoryMappedFiles;

namespace CaffeNet.Import.Binary;

/// <summary>
/// A file mapped read-only into memory. Parsing from the mapping reads each page once, straight
/// from the page cache, with no copy of the whole file; Google.Protobuf also takes its fast
/// packed-array path only when it knows how many bytes remain, which a span tells it and a
/// stream does not.
/// </summary>
internal sealed unsafe class MappedFile : IDisposable
{
    readonly MemoryMappedFile map;
    readonly MemoryMappedViewAccessor view;
    readonly byte* pointer;

    public int Length { get; }

    MappedFile(MemoryMappedFile map, MemoryMappedViewAccessor view, int length)
    {
        this.map = map;
        this.view = view;
        Length = length;
        byte* p = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
        pointer = p + view.PointerOffset;
    }

    public ReadOnlySpan<byte> Span => new(pointer, Length);

    /// <summary>Maps <paramref name="path"/>; an empty file gives <c>null</c> (it cannot be mapped).</summary>
    public static MappedFile? Open(string path)
    {
        var stream = InputFile.Open(path);
        long length = stream.Length;
        if (length > int.MaxValue)
        {
            stream.Dispose();
            // Protobuf messages (and so Caffe's own reader) stop at 2 GiB - 1.
            throw CaffeFormatException.AtByte(path, int.MaxValue,
                $"file is {length} bytes; a protobuf message cannot be larger than {int.MaxValue} bytes");
        }
        if (length == 0)
        {
            stream.Dispose();
            return null;
        }
        MemoryMappedFile? map = null;
        try
        {
            map = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read,
                HandleInheritability.None, leaveOpen: false);
            return new MappedFile(map, map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read), (int)length);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            map?.Dispose();
            stream.Dispose();
            throw new CaffeNetException(FileErrors.CannotRead(path, e), e);
        }
    }

    public void Dispose()
    {
        view.SafeMemoryMappedViewHandle.ReleasePointer();
        view.Dispose();
        map.Dispose();
    }
}
