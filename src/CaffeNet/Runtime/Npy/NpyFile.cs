using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using CaffeNet.Import;

namespace CaffeNet.Runtime.Npy;

/// <summary>
/// NumPy .npy files holding float32 or float64 arrays in C order (format versions 1, 2 and 3).
/// Reading converts float64 to float32. A malformed file is a CaffeFormatException naming the
/// byte offset; sizes are checked against the file length before anything is allocated.
/// </summary>
internal static class NpyFile
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>numpy itself refuses longer headers by default; a longer one is not a real file.</summary>
    const int MaxHeaderLength = 1 << 16;

    /// <summary>
    /// Reads an .npy file: a regular file only (a FIFO or device is refused before it is opened),
    /// whose length must be what its header declares; the array is checked against
    /// <paramref name="budget"/> (<see cref="MemoryBudget.Available"/> when null) before it is allocated.
    /// </summary>
    public static Tensor Read(string path, MemoryBudget? budget = null)
    {
        using var stream = InputFile.Open(path);
        try
        {
            return Read(stream, path, budget);
        }
        catch (IOException e)
        {
            throw new CaffeNetException(FileErrors.CannotRead(path, e), e);
        }
    }

    /// <summary>
    /// Reads an .npy image from <paramref name="stream"/> (standard input, say), taking exactly the
    /// bytes its header declares: a seekable stream must hold that many, any other must end right
    /// after them. <paramref name="name"/> is used in messages.
    /// </summary>
    public static Tensor Read(Stream stream, string name, MemoryBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long? length = stream.CanSeek ? stream.Length - stream.Position : null;
        var (header, dataStart) = ReadHeader(stream, name, length);
        long expected = header.ElementCount * header.ItemSize;
        if (length is long total && total - dataStart != expected)
            throw DataSizeError(name, header, dataStart, expected, total - dataStart);
        string shape = Tuple(header.Shape);
        (budget ?? MemoryBudget.Available).Check(header.ElementCount * sizeof(float), $"{name}: its array of shape {shape}");
        if (header.ElementCount > Array.MaxLength)
            throw CaffeFormatException.AtByte(name, dataStart, $"shape {shape} has more elements than one .NET array can hold ({Array.MaxLength})");
        var data = new float[header.ElementCount];
        long read = ReadData(stream, header, data);
        if (read != expected)
            throw DataSizeError(name, header, dataStart, expected, read);
        if (length is null && stream.ReadByte() >= 0)
            throw CaffeFormatException.AtByte(name, dataStart + expected, $"more data follows the {expected} bytes that shape {shape} of {Excerpt.Name(header.Descr)} needs");
        return new Tensor(new TensorShape(header.Shape), data);
    }

    /// <summary>Reads an .npy image held in memory; <paramref name="name"/> is used in messages.</summary>
    public static unsafe Tensor Parse(ReadOnlySpan<byte> bytes, string name)
    {
        fixed (byte* p = bytes)
        {
            using var stream = new UnmanagedMemoryStream(p, bytes.Length);
            return Read(stream, name);
        }
    }

    /// <summary>The header and where the data starts; at most 64 KB of it is read.</summary>
    static (NpyHeader Header, long DataStart) ReadHeader(Stream stream, string name, long? length)
    {
        Span<byte> prefix = stackalloc byte[12];
        int got = stream.ReadAtLeast(prefix[..10], 10, throwOnEndOfStream: false);
        if (got < 10 || !prefix[..6].SequenceEqual(Magic))
            throw CaffeFormatException.AtByte(name, 0, "not a NumPy .npy file (expected the magic \\x93NUMPY)");
        int major = prefix[6];
        int headerStart, headerLength;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(prefix[8..]);
                headerStart = 10;
                break;
            case 2 or 3:
                if (stream.ReadAtLeast(prefix[10..12], 2, throwOnEndOfStream: false) < 2)
                    throw CaffeFormatException.AtByte(name, 8, "file ends inside the header length");
                uint declared = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
                headerLength = declared > MaxHeaderLength ? int.MaxValue : (int)declared;
                headerStart = 12;
                break;
            default:
                throw CaffeFormatException.AtByte(name, 6, $"unsupported .npy format version {major}.{prefix[7]} (expected 1.0, 2.0 or 3.0)");
        }
        string lengthText = headerLength == int.MaxValue ? "over 64 KB" : headerLength.ToString(CultureInfo.InvariantCulture);
        if (headerLength > MaxHeaderLength || headerLength > length - headerStart)
            throw HeaderLengthError(name, major, headerStart, lengthText, length is long l ? $"{l} bytes" : "the limit is 64 KB");
        var headerBytes = new byte[headerLength];
        int read = stream.ReadAtLeast(headerBytes, headerLength, throwOnEndOfStream: false);
        if (read < headerLength)
            throw HeaderLengthError(name, major, headerStart, lengthText, $"{headerStart + read} bytes");
        var text = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        return (NpyHeader.Parse(text, name, headerStart), headerStart + headerLength);
    }

    static CaffeFormatException HeaderLengthError(string name, int major, int headerStart, string length, string fileSize) =>
        CaffeFormatException.AtByte(name, headerStart - (major == 1 ? 2 : 4), $"header length {length} runs past the end of the file ({fileSize})");

    static CaffeFormatException DataSizeError(string name, NpyHeader header, long dataStart, long expected, long available) =>
        CaffeFormatException.AtByte(name, dataStart,
            $"shape {Tuple(header.Shape)} of {Excerpt.Name(header.Descr)} needs {expected} bytes of data, the file has {available}");

    /// <summary>A shape as Python writes the tuple: (2, 3), (5,), ().</summary>
    static string Tuple(int[] shape) => shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    /// <summary>Floats converted from the stream in chunks; returns the bytes read (short only at the end of the stream).</summary>
    static long ReadData(Stream stream, NpyHeader header, float[] data)
    {
        const int ChunkFloats = 1 << 16;
        var raw = new byte[ChunkFloats * header.ItemSize];
        long total = 0;
        for (int start = 0; start < data.Length; start += ChunkFloats)
        {
            int count = Math.Min(ChunkFloats, data.Length - start);
            var chunk = raw.AsSpan(0, count * header.ItemSize);
            int got = stream.ReadAtLeast(chunk, chunk.Length, throwOnEndOfStream: false);
            total += got;
            if (got < chunk.Length)
                return total;
            var values = data.AsSpan(start, count);
            for (int i = 0; i < count; i++)
            {
                values[i] = header.ItemSize == 4
                    ? (header.BigEndian ? BinaryPrimitives.ReadSingleBigEndian(chunk[(i * 4)..]) : BinaryPrimitives.ReadSingleLittleEndian(chunk[(i * 4)..]))
                    : (float)(header.BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(chunk[(i * 8)..]) : BinaryPrimitives.ReadDoubleLittleEndian(chunk[(i * 8)..]));
            }
        }
        return total;
    }

    /// <summary>Writes a float32 C-order .npy (version 1.0), whole or not at all (see <see cref="AtomicFile"/>).</summary>
    public static void Write(string path, in Tensor tensor)
    {
        var bytes = Serialize(tensor);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    /// <summary>The bytes of a version 1.0 float32 .npy file for the tensor.</summary>
    public static byte[] Serialize(in Tensor tensor)
    {
        var dims = tensor.Shape.Dims.ToArray();
        string shapeText = dims.Length == 1 ? $"({dims[0]},)" : $"({string.Join(", ", dims)})";
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shapeText}, }}";
        // Pad with spaces and end in a newline so the data starts on a 64-byte boundary, as numpy does.
        int total = 10 + header.Length + 1;
        header = header.PadRight(header.Length + (64 - total % 64) % 64) + "\n";
        var bytes = new byte[10 + header.Length + tensor.Count * 4];
        Magic.CopyTo(bytes);
        bytes[6] = 1;
        bytes[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)header.Length);
        Encoding.Latin1.GetBytes(header, bytes.AsSpan(10));
        var data = bytes.AsSpan(10 + header.Length);
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.AsBytes(tensor.Span).CopyTo(data);
        else
        {
            var values = tensor.Span;
            for (int i = 0; i < values.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(data[(i * 4)..], values[i]);
        }
        return bytes;
    }
}
