using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// ImageData: batch_size x (3 if is_color else 1) x H x W, H x W being the crop size, else
/// new_height x new_width, else the first image's size (not known from the prototxt).
/// </summary>
sealed class ImageDataDefinition : SourceDefinition
{
    public override string Type => "ImageData";

    public override bool SharedBatch => true;

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, 2);
        var p = c.Layer.ImageDataParam ?? new Proto.ImageDataParameter();
        if ((p.NewHeight == 0) != (p.NewWidth == 0))
            throw c.Error("give new_height and new_width together");
        int crop = DataTops.Crop(c);
        var (h, w) = crop > 0 ? (crop, crop) : ((int)p.NewHeight, (int)p.NewWidth);
        return DataTops.With(c, DataTops.Image(c, p.BatchSize, p.IsColor ? 3 : 1, h, w), p.BatchSize);
    }
}
