namespace CaffeNet.Graph;

/// <summary>
/// Data (LevelDB/LMDB): batch_size x C x H x W, where C and the uncropped H x W come from the
/// database's first record, so the prototxt alone fixes only the batch and a crop size.
/// </summary>
internal sealed class DataShape : ISourceShape
{
    public IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, 2);
        uint batch = c.Layer.DataParam?.BatchSize ?? 0;
        return DataTops.With(c, null, batch);
    }
}
