using System.Runtime.InteropServices;
using CaffeNet.Proto;
using Google.Protobuf;

namespace CaffeNet.Import.Binary;

/// <summary>
/// Parses a NetParameter whose wire format <see cref="WireValidator"/> has already checked, with
/// every blob's float `data` copied once, straight from the file's bytes, into one shared array
/// (<see cref="BlobProto.DataAside"/>). Google.Protobuf would give each blob an array of its own,
/// which the runtime then copies again; for MobileNetV2 those copies and the collections they
/// caused were a third of `caffenet run`'s start-up. Everything else goes through Google.Protobuf:
/// the fields around the blobs are merged from their byte ranges, which protobuf defines to give
/// the same message as one parse of the whole.
/// </summary>
internal static class CaffemodelReader
{
    enum Kind { Net, Layer, V1Layer, V0Layer, Blob }

    /// <summary>The blobs' homes, as caffe.proto numbers them: V2 layers, V1 layers and the V0
    /// layer inside a V1 one.</summary>
    static Kind? ChildOf(Kind kind, int number) => (kind, number) switch
    {
        (Kind.Net, NetParameter.LayerFieldNumber) => Kind.Layer,
        (Kind.Net, NetParameter.LayersFieldNumber) => Kind.V1Layer,
        (Kind.Layer, LayerParameter.BlobsFieldNumber) => Kind.Blob,
        (Kind.V1Layer, V1LayerParameter.BlobsFieldNumber) => Kind.Blob,
        (Kind.V1Layer, V1LayerParameter.LayerFieldNumber) => Kind.V0Layer,
        (Kind.V0Layer, V0LayerParameter.BlobsFieldNumber) => Kind.Blob,
        _ => null,
    };

    /// <summary>Parses <paramref name="data"/>, valid wire format of a NetParameter, on a little-endian machine.</summary>
    public static NetParameter Parse(ReadOnlySpan<byte> data)
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("packed floats are read as little-endian");
        var net = new NetParameter();
        int floats = Count(data, 0, data.Length, Kind.Net);
        var reader = new Builder(floats == 0 ? [] : GC.AllocateUninitializedArray<float>(floats));
        reader.Build(data, 0, data.Length, Kind.Net, net);
        return net;
    }

    /// <summary>How many floats the blobs' `data` fields under this message hold.</summary>
    static int Count(ReadOnlySpan<byte> d, int pos, int end, Kind kind)
    {
        int floats = 0;
        while (pos < end)
        {
            var (number, wire) = Tag(d, ref pos);
            if (kind == Kind.Blob && number == BlobProto.DataFieldNumber && wire is WireLength or WireFixed32)
            {
                int len = wire == WireFixed32 ? sizeof(float) : Length(d, ref pos);
                floats += len / sizeof(float);
                pos += len;
            }
            else if (wire == WireLength && ChildOf(kind, number) is { } child)
            {
                int len = Length(d, ref pos);
                floats += Count(d, pos, pos + len, child);
                pos += len;
            }
            else
                Skip(d, ref pos, wire, number);
        }
        return floats;
    }

    sealed class Builder(float[] values)
    {
        int used;

        public void Build(ReadOnlySpan<byte> d, int pos, int end, Kind kind, IMessage message)
        {
            int run = pos;
            int first = used;
            while (pos < end)
            {
                int at = pos;
                var (number, wire) = Tag(d, ref pos);
                bool isData = kind == Kind.Blob && number == BlobProto.DataFieldNumber && wire is WireLength or WireFixed32;
                var child = wire == WireLength ? ChildOf(kind, number) : null;
                if (!isData && child is null)
                {
                    Skip(d, ref pos, wire, number);
                    continue;
                }
                if (at > run)
                    message.MergeFrom(d[run..at]);
                int len = wire == WireFixed32 ? sizeof(float) : Length(d, ref pos);
                if (isData)
                {
                    MemoryMarshal.Cast<byte, float>(d.Slice(pos, len)).CopyTo(values.AsSpan(used));
                    used += len / sizeof(float);
                }
                else
                    Build(d, pos, pos + len, child!.Value, ChildMessage(message, kind, number));
                pos += len;
                run = pos;
            }
            if (end > run)
                message.MergeFrom(d[run..end]);
            if (kind == Kind.Blob && used > first)
            {
                var blob = (BlobProto)message;
                var read = new BlobValues(values, first, used - first);
                // Caffe takes double_data when a blob has both; `data` then stays where protobuf keeps it.
                if (blob.DoubleData.Count > 0)
                    blob.Data.AddRange(read.Span.ToArray());
                else
                    blob.DataAside = read;
            }
        }

        /// <summary>The message field <paramref name="number"/> of <paramref name="parent"/> is read
        /// into: a new element of a repeated field, or the singular field itself (merged, as protobuf does).</summary>
        static IMessage ChildMessage(IMessage parent, Kind kind, int number)
        {
            switch (parent)
            {
                case NetParameter net when number == NetParameter.LayerFieldNumber:
                    var layer = new LayerParameter();
                    net.Layer.Add(layer);
                    return layer;
                case NetParameter net:
                    var layers = new V1LayerParameter();
                    net.Layers.Add(layers);
                    return layers;
                case V1LayerParameter v1 when number == V1LayerParameter.LayerFieldNumber:
                    return v1.Layer ??= new V0LayerParameter();
                default:
                    var blob = new BlobProto();
                    (parent switch
                    {
                        LayerParameter l => l.Blobs,
                        V1LayerParameter l => l.Blobs,
                        V0LayerParameter l => l.Blobs,
                        _ => throw new InvalidOperationException($"{kind} has no blobs"),
                    }).Add(blob);
                    return blob;
            }
        }
    }

    static (int Number, int Wire) Tag(ReadOnlySpan<byte> d, ref int pos)
    {
        ulong tag = Varint(d, ref pos);
        return ((int)(tag >> 3), (int)(tag & 7));
    }

    static int Length(ReadOnlySpan<byte> d, ref int pos) => (int)Varint(d, ref pos);

    /// <summary>Steps over a field's value (the validator has checked every length and nesting).</summary>
    static void Skip(ReadOnlySpan<byte> d, ref int pos, int wire, int number)
    {
        switch (wire)
        {
            case WireVarint:
                Varint(d, ref pos);
                break;
            case WireFixed64:
                pos += 8;
                break;
            case WireLength:
                int len = Length(d, ref pos);
                pos += len;
                break;
            case WireStartGroup:
                while (true)
                {
                    var (n, w) = Tag(d, ref pos);
                    if (w == WireEndGroup && n == number)
                        break;
                    Skip(d, ref pos, w, n);
                }
                break;
            case WireFixed32:
                pos += 4;
                break;
            default:
                throw new InvalidOperationException($"wire type {wire} passed the validator");
        }
    }

    static ulong Varint(ReadOnlySpan<byte> d, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = d[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
                return value;
        }
    }

    const int WireVarint = 0, WireFixed64 = 1, WireLength = 2, WireStartGroup = 3, WireEndGroup = 4, WireFixed32 = 5;
}
