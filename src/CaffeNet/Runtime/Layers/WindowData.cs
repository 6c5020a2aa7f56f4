using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// WindowData: batch_size x C x crop_size x crop_size, C being the images' channel count, known
/// from the prototxt only through several mean_values; label batch_size.
/// </summary>
sealed class WindowDataDefinition : SourceDefinition
{
    public override string Type => "WindowData";

    public override bool SharedBatch => true;

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, 2);
        uint batch = c.Layer.WindowDataParam?.BatchSize ?? 0;
        if (DataTops.Crop(c) <= 0) throw c.Error("needs transform_param crop_size");
        var data = DataTops.Image(c, batch, DataTops.ChannelsFromMean(c), DataTops.Crop(c), DataTops.Crop(c));
        return DataTops.With(c, data, batch);
    }
}
