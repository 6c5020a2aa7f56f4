using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// Data (LevelDB/LMDB): batch_size x C x H x W from the database's first record, the crop size
/// replacing H x W. The prototxt fixes C only through mean_value, which Caffe requires once or
/// once per channel, so several values give the channel count.
/// </summary>
sealed class DataDefinition : SourceDefinition
{
    public override string Type => "Data";

    public override bool SharedBatch => true;

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, 2);
        uint batch = c.Layer.DataParam?.BatchSize ?? 0;
        var data = DataTops.Image(c, batch, DataTops.ChannelsFromMean(c), DataTops.Crop(c), DataTops.Crop(c));
        return DataTops.With(c, data, batch);
    }
}
