using System.Text;
using System.Text.RegularExpressions;

namespace OrtBench;

/// <summary>Reads and writes little-endian float32 .npy files in C order, the only kind the benchmark exchanges.</summary>
public static partial class Npy
{
    static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    public static (float[] Data, long[] Shape) Read(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path));
        if (!reader.ReadBytes(6).AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a .npy file");
        int major = reader.ReadByte();
        reader.ReadByte();
        int headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        string header = Encoding.ASCII.GetString(reader.ReadBytes(headerLength));

        if (!header.Contains("'<f4'") || header.Contains("'fortran_order': True"))
            throw new InvalidDataException($"{path}: expected little-endian float32 in C order, header is {header.Trim()}");
        var dims = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        long[] shape = dims.Select(long.Parse).ToArray();

        long count = shape.Aggregate(1L, (a, b) => a * b);
        var data = new float[count];
        var bytes = reader.ReadBytes(checked((int)count * sizeof(float)));
        if (bytes.Length != count * sizeof(float))
            throw new InvalidDataException($"{path}: shape ({string.Join(',', shape)}) needs {count * 4} bytes, file has {bytes.Length}");
        Buffer.BlockCopy(bytes, 0, data, 0, bytes.Length);
        return (data, shape);
    }

    public static void Write(string path, ReadOnlySpan<float> data, IReadOnlyList<long> shape)
    {
        string dims = shape.Count == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        string header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({dims}), }}";
        // Magic, version and length take 10 bytes; the header is padded so the data starts 64-aligned.
        int padded = (10 + header.Length + 1 + 63) / 64 * 64 - 10;
        header = header.PadRight(padded - 1) + "\n";

        using var writer = new BinaryWriter(File.Create(path));
        writer.Write(Magic);
        writer.Write((byte)1);
        writer.Write((byte)0);
        writer.Write((ushort)header.Length);
        writer.Write(Encoding.ASCII.GetBytes(header));
        foreach (float value in data)
            writer.Write(value);
    }

    [GeneratedRegex(@"'shape':\s*\(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
