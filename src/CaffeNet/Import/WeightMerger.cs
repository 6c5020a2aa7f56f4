using CaffeNet.Proto;

namespace CaffeNet.Import;

/// <summary>
/// Puts trained weights into a net the way Caffe's Net::CopyTrainedLayersFrom does: blobs are
/// copied by layer name, layers of the weights file that the net lacks are ignored, and a layer
/// that already has blobs must get the same number with the same shapes.
/// </summary>
/// <remarks>
/// Caffe compares against blobs its layers created from their parameters; this stage has no
/// layers yet, so a net layer without blobs takes the file's blobs as they are and the graph stage
/// checks them against the shapes the layer needs. Every copied blob must hold as many values as
/// its shape says (Caffe's Blob::FromProto checks the same).
/// </remarks>
internal static class WeightMerger
{
    /// <summary>
    /// Returns a copy of <paramref name="net"/> with the blobs of <paramref name="weights"/> (both
    /// in V2 form: upgrade first). The blobs are moved, not copied: do not use
    /// <paramref name="weights"/> afterwards. <paramref name="weightsFile"/> names it in messages.
    /// </summary>
    public static NetParameter Merge(NetParameter net, NetParameter weights, string weightsFile)
    {
        if (weights.Layers.Count > 0 || net.Layers.Count > 0)
            throw new ArgumentException("V1 nets must be upgraded (NetUpgrader) before merging");

        var result = net.Clone();
        // Caffe looks names up in its phase-filtered net, where the one left is the one that
        // counts; this net is not filtered yet, so every layer of that name takes the blobs.
        var byName = result.Layer.ToLookup(l => l.Name, StringComparer.Ordinal);
        foreach (var source in weights.Layer)
        {
            if (!byName.Contains(source.Name))
                continue;
            for (int j = 0; j < source.Blobs.Count; j++)
                CheckValueCount(source.Name, j, source.Blobs[j], weightsFile);
            foreach (var target in byName[source.Name])
            {
                CheckShapes(target, source, weightsFile);
                target.Blobs.Clear();
                target.Blobs.AddRange(source.Blobs);
            }
        }
        return result;
    }

    static void CheckValueCount(string layer, int index, BlobProto blob, string file)
    {
        var shape = Blobs.ShapeOf(blob);
        long want = Blobs.CountOf(shape);
        int have = Blobs.ValueCount(blob);
        if (want != have)
            throw new CaffeNetException($"{file}: layer {Excerpt.Name(layer)}: blob {index} has shape {Blobs.ShapeString(shape)} " +
                $"but holds {have} values");
    }

    static void CheckShapes(LayerParameter target, LayerParameter source, string file)
    {
        if (target.Blobs.Count == 0)
            return;
        if (target.Blobs.Count != source.Blobs.Count)
            throw new CaffeNetException($"{file}: layer {Excerpt.Name(source.Name)}: incompatible number of blobs: " +
                $"{source.Blobs.Count} in the weights file, {target.Blobs.Count} in the net " +
                $"(shapes {Describe(source)} vs {Describe(target)})");
        for (int j = 0; j < target.Blobs.Count; j++)
        {
            var have = Blobs.ShapeOf(target.Blobs[j]);
            if (!ShapeEquals(have, source.Blobs[j]))
                throw new CaffeNetException($"{file}: layer {Excerpt.Name(source.Name)}: cannot copy blob {j}: shape mismatch. " +
                    $"Shape in the weights file is {Blobs.ShapeString(Blobs.ShapeOf(source.Blobs[j]))}; " +
                    $"shape in the net is {Blobs.ShapeString(have)}. To learn this layer from scratch instead, rename it.");
        }
    }

    /// <summary>Caffe's Blob::ShapeEquals: a legacy 4-D blob matches a shape of up to 4 axes that
    /// ends in the same dimensions, missing leading axes counting as 1.</summary>
    static bool ShapeEquals(long[] shape, BlobProto other)
    {
        if (!Blobs.HasLegacyShape(other))
            return shape.AsSpan().SequenceEqual(Blobs.ShapeOf(other));
        return shape.Length <= 4 &&
            LegacyDim(shape, -4) == other.Num &&
            LegacyDim(shape, -3) == other.Channels &&
            LegacyDim(shape, -2) == other.Height &&
            LegacyDim(shape, -1) == other.Width;
    }

    static long LegacyDim(long[] shape, int fromEnd) => shape.Length + fromEnd >= 0 ? shape[shape.Length + fromEnd] : 1;

    static string Describe(LayerParameter layer) =>
        "[" + string.Join(", ", layer.Blobs.Select(b => Blobs.ShapeString(Blobs.ShapeOf(b)))) + "]";
}
