using System.Text;
using CaffeNet.Import;
using CaffeNet.Import.Binary;
using CaffeNet.Import.Text;
using CaffeNet.Import.Upgrade;
using CaffeNet.Proto;

namespace CaffeNet;

/// <summary>Reads a net or its weights from a stream, text or binary by content, upgraded as a file would be.</summary>
static class ModelStreams
{
    /// <summary>Streams are read whole; past this a net is refused, as prototxt files are.</summary>
    const long MaxBytes = int.MaxValue;

    public static NetParameter Read(Stream stream, string name, ImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            if (buffer.Length + n > MaxBytes)
                throw new CaffeNetException($"{name}: more than {MaxBytes} bytes; a model stream must fit one array");
            buffer.Write(chunk, 0, n);
        }
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        var net = FileFormats.FromContent(bytes[..Math.Min(bytes.Length, 4096)]) == FileFormat.Text
            ? TextFormat.Parse<NetParameter>(new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF'), name,
                new TextParseOptions { Lenient = options.Lenient, Warning = options.Warning, LayerFields = options.LayerFields })
            : BinaryFormat.Parse<NetParameter>(bytes, name, options);
        return NetUpgrader.NeedsUpgrade(net) ? NetUpgrader.Upgrade(net, name, options.Warning) : net;
    }
}
