namespace CaffeNet.Tests.Import.Binary;

/// <summary>Hand-encodes protobuf wire format, independently of Google.Protobuf's writer.</summary>
public static class Wire
{
    public static byte[] Varint(ulong v)
    {
        var bytes = new List<byte>();
        while (v >= 0x80)
        {
            bytes.Add((byte)(v | 0x80));
            v >>= 7;
        }
        bytes.Add((byte)v);
        return [.. bytes];
    }

    public static byte[] Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);

    /// <summary>A length-delimited field holding <paramref name="body"/>.</summary>
    public static byte[] Field(int field, params byte[][] body)
    {
        var content = body.SelectMany(b => b).ToArray();
        return [.. Tag(field, 2), .. Varint((ulong)content.Length), .. content];
    }

    public static byte[] VarintField(int field, ulong v) => [.. Tag(field, 0), .. Varint(v)];

    public static byte[] Utf8(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    public static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Doubles(params double[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(b => b).ToArray();

    // caffe.proto field numbers, written out here so a wrong number in our schema shows.
    public const int NetName = 1, NetLayers = 2, NetLayer = 100;
    public const int LayerName = 1, LayerType = 2, LayerBlobs = 7;
    public const int BlobNum = 1, BlobChannels = 2, BlobHeight = 3, BlobWidth = 4, BlobData = 5, BlobShapeField = 7, BlobDoubleData = 8;
    public const int ShapeDim = 1;
}
