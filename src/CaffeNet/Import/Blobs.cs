using CaffeNet.Proto;

namespace CaffeNet.Import;

/// <summary>
/// A BlobProto's shape and values, whichever of Caffe's two forms the file used: `shape` or the
/// legacy num/channels/height/width; `data` (float) or `double_data`.
/// </summary>
internal static class Blobs
{
    /// <summary>True if the blob uses the legacy 4-D fields (any one of them set means all four, as in Caffe).</summary>
    public static bool HasLegacyShape(BlobProto b) => b.HasNum || b.HasChannels || b.HasHeight || b.HasWidth;

    public static long[] ShapeOf(BlobProto b) =>
        HasLegacyShape(b) ? [b.Num, b.Channels, b.Height, b.Width] : b.Shape?.Dim.ToArray() ?? [];

    /// <summary>Number of values a shape holds (1 for a scalar of no dimensions, as in Caffe);
    /// -1 if a dimension is negative or the product overflows.</summary>
    public static long CountOf(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var d in shape)
        {
            if (d < 0 || (d > 0 && count > long.MaxValue / d))
                return -1;
            count *= d;
        }
        return count;
    }

    /// <summary>How many values the blob stores: `double_data` if it has any, else `data` (Caffe's rule).</summary>
    public static int ValueCount(BlobProto b) =>
        b.DoubleData.Count > 0 ? b.DoubleData.Count : b.DataAside?.Count ?? b.Data.Count;

    /// <summary>
    /// Moves blobs' floats read aside (<see cref="BlobProto.DataAside"/>) into their `data` fields, for
    /// a net about to be cloned: a clone (the legacy upgrade's) keeps protobuf's fields only.
    /// </summary>
    public static void MoveAsideIntoData(NetParameter net)
    {
        var blobs = net.Layer.SelectMany(l => l.Blobs)
            .Concat(net.Layers.SelectMany(l => l.Blobs.Concat(l.Layer?.Blobs ?? [])));
        foreach (var blob in blobs)
        {
            if (blob.DataAside is not { } aside)
                continue;
            blob.Data.AddRange(aside.Span.ToArray());
            blob.DataAside = null;
        }
    }

    public static float[] ValuesOf(BlobProto b)
    {
        float[] values;
        if (b.DoubleData.Count == 0 && b.DataAside is { } aside)
            return aside.Span.ToArray();
        if (b.DoubleData.Count == 0)
        {
            values = GC.AllocateUninitializedArray<float>(b.Data.Count);
            b.Data.CopyTo(values, 0);
            return values;
        }
        values = GC.AllocateUninitializedArray<float>(b.DoubleData.Count);
        for (int i = 0; i < values.Length; i++)
            values[i] = (float)b.DoubleData[i];
        return values;
    }

    /// <summary>Caffe's shape_string: "20 1 5 5 (500)".</summary>
    public static string ShapeString(IReadOnlyList<long> shape) =>
        string.Join(' ', shape) + (shape.Count > 0 ? " " : "") + $"({CountOf(shape)})";
}
