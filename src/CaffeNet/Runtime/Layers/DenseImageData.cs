using CaffeNet.Graph;

namespace CaffeNet.Runtime.Layers;

/// <summary>
/// DenseImageData (SegNet's fork): images and their label images listed in `source`. Data is
/// batch_size x (3 if is_color else 1) x H x W and the label batch_size x 1 x H x W, H x W being
/// transform_param's crop_size, else crop_height x crop_width, else new_height x new_width, else
/// the first image's size (not known from the prototxt).
/// </summary>
sealed class DenseImageDataDefinition : SourceDefinition
{
    public override string Type => "DenseImageData";

    public override bool SharedBatch => true;

    public override IReadOnlyList<Shape?> Tops(LayerContext c)
    {
        c.Tops(1, 2);
        var p = c.Layer.DenseImageDataParam ?? new Proto.DenseImageDataParameter();
        if ((p.NewHeight == 0) != (p.NewWidth == 0))
            throw c.Error("give new_height and new_width together");
        if ((p.CropHeight == 0) != (p.CropWidth == 0))
            throw c.Error("give crop_height and crop_width together");
        int crop = DataTops.Crop(c);
        var (h, w) = crop > 0 ? (crop, crop)
            : p.CropHeight > 0 ? ((int)p.CropHeight, (int)p.CropWidth)
            : ((int)p.NewHeight, (int)p.NewWidth);
        var data = DataTops.Image(c, p.BatchSize, p.IsColor ? 3 : 1, h, w);
        return c.TopCount == 1 ? [data] : [data, DataTops.Image(c, p.BatchSize, 1, h, w)];
    }

    /// <summary>The label has the data's batch, height and width: a size given for one is the other's.</summary>
    public override IReadOnlyList<Shape?> WithGiven(LayerContext c, IReadOnlyList<Shape?> tops, IReadOnlyDictionary<string, Shape> given)
    {
        if (c.TopCount != 2 || tops[0] is not { Rank: 4 } data || tops[1] is not { Rank: 4 } label)
            return tops;
        var (dataGiven, labelGiven) = (given.GetValueOrDefault(c.Layer.Top[0]), given.GetValueOrDefault(c.Layer.Top[1]));
        if (dataGiven is { Rank: 4 } && labelGiven is null)
            return [data, Shape.Partial([dataGiven.Dim(0), 1, dataGiven.Dim(2), dataGiven.Dim(3)])];
        if (labelGiven is { Rank: 4 } && dataGiven is null)
            return [Shape.Partial([labelGiven.Dim(0), data.Dim(1), labelGiven.Dim(2), labelGiven.Dim(3)]), label];
        return tops;
    }
}
