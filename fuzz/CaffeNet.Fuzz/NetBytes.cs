using System.Text;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Proto;

namespace CaffeNet.Fuzz;

/// <summary>
/// A net definition as ModelLoader.LoadNet takes it, prototxt or binary by content. Binary nets
/// let afl-fuzz change numbers (kernel sizes, strides, dimensions) without breaking the syntax,
/// so more mutants reach the shape rules and the kernels.
/// </summary>
static class NetBytes
{
    public static NetParameter Read(byte[] bytes, bool lenient)
    {
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, 4096));
        return FileFormats.FromContent(head) == FileFormat.Text
            ? TextFormat.Parse<NetParameter>(Encoding.UTF8.GetString(bytes), "fuzz.prototxt",
                new TextParseOptions { Lenient = lenient, Warning = _ => { } })
            : BinaryFormat.Parse<NetParameter>(bytes, "fuzz.prototxt", new ImportOptions(lenient, _ => { }));
    }
}
