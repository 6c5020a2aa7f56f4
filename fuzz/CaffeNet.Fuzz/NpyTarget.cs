using System.Runtime.InteropServices;
using System.Text;
using CaffeNet.Runtime;
using CaffeNet.Runtime.Npy;

namespace CaffeNet.Fuzz;

/// <summary>.npy bytes as `run --input` reads them; what is read must write and read back bit for bit.</summary>
sealed class NpyTarget : IFuzzTarget
{
    public string Name => "npy";

    public void Run(byte[] input)
    {
        var tensor = NpyFile.Parse(input, "fuzz.npy");
        Tensor again;
        try
        {
            again = NpyFile.Parse(NpyFile.Serialize(tensor), "written.npy");
        }
        catch (CaffeNetException e)
        {
            throw new FuzzFinding($"a written .npy does not read back: {e.Message}");
        }
        if (again.Shape != tensor.Shape || !MemoryMarshal.AsBytes(again.Span).SequenceEqual(MemoryMarshal.AsBytes(tensor.Span)))
            throw new FuzzFinding($"a written .npy reads back as another tensor ({again.Shape}, not {tensor.Shape})");
    }

    public IEnumerable<(string Name, byte[] Data)> Seeds(SeedFiles files)
    {
        foreach (var path in files.Find(64 << 10, ".npy"))
            yield return (SeedFiles.NameOf(path), File.ReadAllBytes(path));
        // numpy's own layouts: float32 and float64, both byte orders, versions 1 to 3, 0-d to 4-d.
        yield return ("f4-2x3", Npy(1, "<f4", "(2, 3)", 6, 4));
        yield return ("f8-4", Npy(1, "<f8", "(4,)", 4, 8));
        yield return ("be-f4-1x1x2x2", Npy(1, ">f4", "(1, 1, 2, 2)", 4, 4));
        yield return ("scalar", Npy(1, "<f4", "()", 1, 4));
        yield return ("v2-f4-3", Npy(2, "<f4", "(3,)", 3, 4));
        yield return ("v3-f8-empty", Npy(3, "<f8", "(0, 5)", 0, 8));
    }

    /// <summary>A file as numpy.save writes it: magic, version, header padded to 64 bytes, data.</summary>
    static byte[] Npy(int major, string descr, string shape, int count, int itemSize)
    {
        var header = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}";
        int prefix = major == 1 ? 10 : 12;
        header = header.PadRight(header.Length + (64 - (prefix + header.Length + 1) % 64) % 64) + "\n";
        var bytes = new List<byte> { 0x93 };
        bytes.AddRange("NUMPY"u8.ToArray());
        bytes.AddRange([(byte)major, 0]);
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)header.Length) : BitConverter.GetBytes(header.Length));
        bytes.AddRange(Encoding.Latin1.GetBytes(header));
        for (int i = 0; i < count * itemSize; i++)
            bytes.Add((byte)(i * 37 % 251));
        return [.. bytes];
    }

    public IEnumerable<string> Dictionary =>
        ["\x93NUMPY", "{'descr': ", "'<f4'", "'>f4'", "'<f8'", "'>f8'", "'|u1'", "'fortran_order': ", "False", "True",
         "'shape': ", "(", ")", ",)", ", ", "}", "\n", "\"", "\\", "-1", "2147483647", "4294967296", "9223372036854775807"];
}
