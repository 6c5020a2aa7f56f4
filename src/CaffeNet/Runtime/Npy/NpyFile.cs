using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using CaffeNet.Import;

namespace CaffeNet.Runtime.Npy;

/// <summary>
/// NumPy .npy files holding float32 or float64 arrays in C order (format versions 1, 2 and 3).
/// Reading converts float64 to float32. A malformed file is a CaffeFormatException naming the
/// byte offset; sizes are checked against the file length before anything is allocated.
/// </summary>
public static class NpyFile
{
    static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>numpy itself refuses longer headers by default; a longer one is not a real file.</summary>
    const int MaxHeaderLength = 1 << 16;

    public static Tensor Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CaffeNetException($"{path}: cannot read: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    /// <summary>Reads an .npy image held in memory; <paramref name="name"/> is used in messages.</summary>
    public static Tensor Parse(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < 10 || !bytes[..6].SequenceEqual(Magic))
            throw CaffeFormatException.AtByte(name, 0, "not a NumPy .npy file (expected the magic \\x93NUMPY)");
        int major = bytes[6];
        int headerStart, headerLength;
        switch (major)
        {
            case 1:
                headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
                headerStart = 10;
                break;
            case 2 or 3:
                if (bytes.Length < 12)
                    throw CaffeFormatException.AtByte(name, 8, "file ends inside the header length");
                uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
                headerLength = length > MaxHeaderLength ? int.MaxValue : (int)length;
                headerStart = 12;
                break;
            default:
                throw CaffeFormatException.AtByte(name, 6, $"unsupported .npy format version {major}.{bytes[7]} (expected 1.0, 2.0 or 3.0)");
        }
        if (headerLength > MaxHeaderLength || headerLength > bytes.Length - headerStart)
            throw CaffeFormatException.AtByte(name, headerStart - (major == 1 ? 2 : 4),
                $"header length {(headerLength == int.MaxValue ? "over 64 KB" : headerLength.ToString())} runs past the end of the file ({bytes.Length} bytes)");
        var headerBytes = bytes.Slice(headerStart, headerLength);
        var text = major == 3 ? Encoding.UTF8.GetString(headerBytes) : Encoding.Latin1.GetString(headerBytes);
        var header = NpyHeader.Parse(text, name, headerStart);

        long dataStart = headerStart + headerLength;
        long expected = header.ElementCount * header.ItemSize;
        long available = bytes.Length - dataStart;
        if (available != expected)
            throw CaffeFormatException.AtByte(name, dataStart,
                $"shape ({string.Join(", ", header.Shape)}) of '{header.Descr}' needs {expected} bytes of data, the file has {available}");
        var shape = new TensorShape(header.Shape);
        var data = new float[shape.Count];
        var raw = bytes.Slice((int)dataStart);
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = header.ItemSize == 4
                ? (header.BigEndian ? BinaryPrimitives.ReadSingleBigEndian(raw[(i * 4)..]) : BinaryPrimitives.ReadSingleLittleEndian(raw[(i * 4)..]))
                : (float)(header.BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(raw[(i * 8)..]) : BinaryPrimitives.ReadDoubleLittleEndian(raw[(i * 8)..]));
        }
        return new Tensor(shape, data);
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
