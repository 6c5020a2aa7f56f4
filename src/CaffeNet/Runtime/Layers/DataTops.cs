using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>The tops of Caffe's data layers: the data, then an optional label of one value per item.</summary>
static class DataTops
{
    public static IReadOnlyList<Shape?> With(LayerContext c, Shape data, uint batchSize) =>
        c.TopCount == 1 ? [data] : [data, c.Output(Known(batchSize))];

    /// <summary>transform_param's crop_size, 0 when not cropping.</summary>
    public static int Crop(LayerContext c) => checked((int)(c.Layer.TransformParam?.CropSize ?? 0));

    /// <summary>The channel count when mean_value is given once per channel (more than once); else unknown.</summary>
    public static int? ChannelsFromMean(LayerContext c) =>
        c.Layer.TransformParam?.MeanValue.Count is > 1 and var n ? n : null;

    /// <summary>Image data: batch x channels x (crop or stored size); a size that lives in the data source is unknown.</summary>
    public static Shape Image(LayerContext c, uint batchSize, int? channels, int height, int width) =>
        c.Output(Known(batchSize), channels, Known(height), Known(width));

    /// <summary>A size from the prototxt, where 0 (unset) leaves it to the data source.</summary>
    static long? Known(long size) => size > 0 ? size : null;
}
