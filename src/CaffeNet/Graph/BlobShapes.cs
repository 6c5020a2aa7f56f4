using CaffeNet.Proto;

namespace CaffeNet.Graph;

/// <summary>Comparing stored blobs with the shapes a layer expects, as Caffe's Blob::ShapeEquals does.</summary>
internal static class BlobShapes
{
    /// <summary>The blob's shape as text: its `shape` field, or the legacy num/channels/height/width.</summary>
    public static string Describe(BlobProto blob) =>
        HasLegacyDims(blob)
            ? $"{blob.Num}x{blob.Channels}x{blob.Height}x{blob.Width} (legacy 4-D)"
            : blob.Shape is null || blob.Shape.Dim.Count == 0 ? "scalar" : string.Join('x', blob.Shape.Dim);

    /// <summary>
    /// True when the blob fits. Legacy 4-D blobs index from the end, so a bias of N stored as
    /// 1x1x1xN fits an expected shape of N. An unknown expected dimension fits any size.
    /// </summary>
    public static bool Fits(BlobProto blob, Shape expected)
    {
        if (HasLegacyDims(blob))
        {
            if (expected.Rank > 4) return false;
            int[] legacy = [blob.Num, blob.Channels, blob.Height, blob.Width];
            for (int i = 1; i <= 4; i++)
            {
                int? want = i <= expected.Rank ? expected.Dim(expected.Rank - i) : 1;
                if (want is { } w && legacy[4 - i] != w) return false;
            }
            return true;
        }
        var dims = blob.Shape?.Dim ?? [];
        if (dims.Count != expected.Rank) return false;
        for (int i = 0; i < dims.Count; i++)
            if (expected.Dim(i) is { } want && dims[i] != want) return false;
        return true;
    }

    /// <summary>
    /// Axis <paramref name="axis"/> of a blob meant to have <paramref name="rank"/> axes (legacy
    /// 4-D blobs counted from the end); null when the blob has another rank.
    /// </summary>
    public static long? Dim(BlobProto blob, int axis, int rank)
    {
        if (HasLegacyDims(blob))
        {
            long[] legacy = [blob.Num, blob.Channels, blob.Height, blob.Width];
            int at = 4 - rank + axis;
            return rank <= 4 && legacy.Take(4 - rank).All(d => d == 1) ? legacy[at] : null;
        }
        var dims = blob.Shape?.Dim ?? [];
        return dims.Count == rank ? dims[axis] : null;
    }

    static bool HasLegacyDims(BlobProto b) => b.HasNum || b.HasChannels || b.HasHeight || b.HasWidth;
}
