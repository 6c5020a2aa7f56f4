namespace CaffeNet.Graph;

/// <summary>
/// WindowData: batch_size x C x crop_size x crop_size, C being the images' channel count from the
/// window file (not known from the prototxt); label batch_size.
/// </summary>
internal sealed class WindowDataShape : ISourceShape
{
    public IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, 2);
        return DataTops.With(c, null, c.Layer.WindowDataParam?.BatchSize ?? 0);
    }
}
