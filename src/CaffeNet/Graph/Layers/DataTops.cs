namespace CaffeNet.Graph;

/// <summary>The tops of Caffe's data layers: the data, then an optional label of one value per item.</summary>
internal static class DataTops
{
    public static IReadOnlyList<Shape?> With(LayerContext c, Shape? data, uint batchSize) =>
        c.TopCount == 1 ? [data] : [data, batchSize > 0 ? c.Output(batchSize) : null];

    /// <summary>transform_param's crop_size, 0 when not cropping.</summary>
    public static int Crop(LayerContext c) => checked((int)(c.Layer.TransformParam?.CropSize ?? 0));

    /// <summary>The channel count when mean_value is given once per channel (more than once); else unknown.</summary>
    public static int? ChannelsFromMean(LayerContext c) =>
        c.Layer.TransformParam?.MeanValue.Count is > 1 and var n ? n : null;

    /// <summary>Image data: batch x channels x (crop or stored size); null when a size lives in the data source.</summary>
    public static Shape? Image(LayerContext c, uint batchSize, int? channels, int height, int width)
    {
        if (batchSize == 0 || channels is null || height <= 0 || width <= 0) return null;
        return c.Output(batchSize, channels.Value, height, width);
    }
}
