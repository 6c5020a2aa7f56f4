using CaffeNet.Graph;
using CaffeNet.Proto;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// AnnotatedData (SSD's fork): images with their boxes from a database. The data is batch_size x C
/// x H x W, H x W being the crop (crop_h/crop_w or crop_size), else the size a WARP or
/// FIT_LARGE_SIZE_AND_PAD resize gives, else the database's; C comes from mean_value as for Data.
/// The label holds one row per box, [item, label, instance, xmin, ymin, xmax, ymax, difficult]:
/// 1 x 1 x boxes x 8, the box count known only per batch.
/// </summary>
sealed class AnnotatedDataDefinition : SourceDefinition
{
    public override string Type => "AnnotatedData";

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, 2);
        uint batch = c.Layer.DataParam?.BatchSize ?? 0;
        var t = c.Layer.TransformParam ?? new TransformationParameter();
        if ((t.CropH == 0) != (t.CropW == 0)) throw c.Error("give crop_h and crop_w together");
        if (t.CropH > 0 && t.CropSize > 0) throw c.Error("give crop_size or crop_h and crop_w, not both");
        var (h, w) = t.CropH > 0 ? ((int)t.CropH, (int)t.CropW) : t.CropSize > 0 ? ((int)t.CropSize, (int)t.CropSize) : Resized(t);
        var data = DataTops.Image(c, batch, DataTops.ChannelsFromMean(c), h, w);
        return c.TopCount == 1 ? [data] : [data, c.Output(1, 1, null, 8)];
    }

    /// <summary>The size every image is resized to, or (0, 0) where it depends on the image.</summary>
    static (int H, int W) Resized(TransformationParameter t)
    {
        if (t.ResizeParam.Count == 0) return (0, 0);
        var r = t.ResizeParam[0];
        return r.ResizeMode is ResizeParameter.Types.Resize_mode.Warp or ResizeParameter.Types.Resize_mode.FitLargeSizeAndPad
            ? ((int)r.Height, (int)r.Width)
            : (0, 0);
    }
}
