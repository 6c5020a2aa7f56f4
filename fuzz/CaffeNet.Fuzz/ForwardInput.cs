
namespace CaffeNet.Fuzz;

/// <summary>
/// The forward target's input: a net (prototxt or binary), then optionally a caffemodel and an .npy, each part
/// after a marker line. Markers (not lengths) keep the parts apart while afl-fuzz inserts and
/// deletes bytes; in the prototxt they read as comments.
/// </summary>
static class ForwardInput
{
    public static ReadOnlySpan<byte> ModelMarker => "\n#@caffemodel@\n"u8;

    public static ReadOnlySpan<byte> NpyMarker => "\n#@npy@\n"u8;

    /// <summary>The net up to the first marker; the caffemodel after the model marker, up to the
    /// npy marker; the .npy after that. A missing part is empty.</summary>
    public static (byte[] Net, byte[] Caffemodel, byte[] Npy) Split(byte[] input)
    {
        ReadOnlySpan<byte> all = input;
        int npyAt = all.IndexOf(NpyMarker);
        var head = npyAt < 0 ? all : all[..npyAt];
        var npy = npyAt < 0 ? [] : all[(npyAt + NpyMarker.Length)..];
        int modelAt = head.IndexOf(ModelMarker);
        var text = modelAt < 0 ? head : head[..modelAt];
        var model = modelAt < 0 ? [] : head[(modelAt + ModelMarker.Length)..];
        return (text.ToArray(), model.ToArray(), npy.ToArray());
    }

    public static byte[] Join(byte[] net, byte[]? caffemodel, byte[]? npy)
    {
        var bytes = new List<byte>(net);
        if (caffemodel is not null || npy is not null)
        {
            bytes.AddRange(ModelMarker.ToArray());
            bytes.AddRange(caffemodel ?? []);
        }
        if (npy is not null)
        {
            bytes.AddRange(NpyMarker.ToArray());
            bytes.AddRange(npy);
        }
        return [.. bytes];
    }
}
